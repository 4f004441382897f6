"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { JsonEditorHandle } from "@/components/editor/json-editor";
import {
  SpreadsheetUpload,
  type ConvertedUpload,
} from "@/components/spreadsheets/spreadsheet-upload";
import { useConfigValidation } from "@/components/editor/use-config-validation";
import type { TextEdit } from "@/components/editor/validation-protocol";
import type { PipelineSummary } from "@/lib/contract/pipelines";
import { clearDraft, loadDraft, saveDraft } from "./draft";
import {
  defaultSelection,
  resolveSelection,
  usePipelineDetail,
  type Selection,
} from "./pipeline-selection";
import { ProblemsList, type ServerProblem } from "./problems-list";
import { buildRunRequest, toEditorProblems } from "./run-request";
import styles from "./new-run.module.css";

// Monaco is big: it loads after the page, from the app's own bundle.
const JsonEditor = dynamic(
  () => import("@/components/editor/json-editor").then((m) => m.JsonEditor),
  {
    ssr: false,
    loading: () => <div className={styles.editorPlaceholder}>Loading the editor…</div>,
  },
);

export interface InitialRun {
  pipeline: string;
  text: string | null;
  name: string | null;
  /** The run this one re-runs. */
  from: string | null;
}

const VALIDATE_DELAY_MS = 40;
/** Drafts of bigger documents are not kept (reading megabytes at every pause costs too much). */
const DRAFT_MAX_CHARS = 1_000_000;

/** Picks the pipeline, edits the config with live validation, submits it. */
export function NewRunClient({
  pipelines,
  initial,
}: {
  pipelines: PipelineSummary[];
  initial: InitialRun | null;
}) {
  const router = useRouter();
  const editor = useRef<JsonEditorHandle | null>(null);
  const asked = initial ? resolveSelection(pipelines, initial.pipeline) : null;
  const [selection, setSelection] = useState<Selection | null>(
    asked && "selection" in asked ? asked.selection : defaultSelection(pipelines),
  );
  const [runName, setRunName] = useState(initial?.name ?? "");
  const [notice, setNotice] = useState<string | null>(
    initial?.from
      ? `Re-running ${initial.from}: edit and submit.`
      : asked && "problem" in asked
        ? `${asked.problem} Showing ${defaultSelection(pipelines)?.name ?? "another pipeline"} instead.`
        : null,
  );
  const [serverError, setServerError] = useState<{
    detail: string;
    errors: ServerProblem[];
  } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [stale, setStale] = useState(true);
  const { detail, error: detailError } = usePipelineDetail(selection);
  const { result, reset, edit, validate, isFresh } = useConfigValidation({
    getValue: () => editor.current?.getValue(),
    getLength: () => editor.current?.getLength(),
  });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const textToLoad = useRef<string | null>(initial?.text ?? null);
  const lastExample = useRef<string | null>(null);
  const lastNamed = useRef<string | null>(null);
  const submitWhenChecked = useRef(false);
  const ref = selection ? `${selection.name}@${selection.version}` : null;
  // Only the selected version's own schema is ever used (never a previous one, never none).
  const schemaKey = detail && ref ? `${ref}:${JSON.stringify(detail.schema).length}` : null;

  // A draft comes back after a reload (read after hydration: the server has no storage).
  useEffect(() => {
    if (initial?.text) return;
    const draft = loadDraft();
    if (!draft) return;
    const wanted = asked && "selection" in asked ? asked.selection.name : null;
    const restored = resolveSelection(pipelines, draft.pipeline);
    if (!("selection" in restored) || (wanted && restored.selection.name !== wanted)) return;
    setSelection(restored.selection);
    setRunName(draft.name);
    if (editor.current) editor.current.setValue(draft.text);
    else textToLoad.current = draft.text;
    // Once, on arrival.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const revalidate = useCallback(() => {
    const length = editor.current?.getLength();
    if (length === undefined || !ref || !detail || !schemaKey) return;
    validate(schemaKey, detail.schema);
    if (length < DRAFT_MAX_CHARS)
      saveDraft({ pipeline: ref, text: editor.current?.getValue() ?? "", name: runName });
    else clearDraft(); // an older, smaller draft would come back instead of this text
  }, [validate, ref, detail, schemaKey, runName]);

  useEffect(() => revalidate(), [revalidate]);
  // The delayed check runs the newest revalidate: an edit made in the same moment as a
  // pipeline switch (an upload) must be checked with the new schema, not the old one.
  const latestRevalidate = useRef(revalidate);
  latestRevalidate.current = revalidate;
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const onChange = useCallback(
    (edits: TextEdit[]) => {
      edit(edits);
      setStale(true);
      setServerError(null);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => latestRevalidate.current(), VALIDATE_DELAY_MS);
    },
    [edit],
  );

  const fresh = isFresh(result, schemaKey);
  useEffect(() => {
    if (isFresh(result, schemaKey)) setStale(false);
  }, [result, schemaKey, isFresh]);

  // A pasted document that names its pipeline (the old portal's configs do) selects it,
  // once per change of that name: a choice made in the menus afterwards stays.
  useEffect(() => {
    const named = result?.pipeline ?? null;
    if (named === lastNamed.current) return;
    lastNamed.current = named;
    if (!named) return;
    const resolved = resolveSelection(pipelines, named);
    if ("problem" in resolved) {
      setNotice(`The document names ${named}: ${resolved.problem}`);
      return;
    }
    const next = resolved.selection;
    if (next.name !== selection?.name || next.version !== selection.version) {
      setSelection(next);
      setNotice(`The document names ${named}: switched to ${next.name}@${next.version}.`);
    }
  }, [result, pipelines, selection]);

  /** A spreadsheet's JSON replaces the editor's text, for review; it selects its pipeline. */
  function loadUpload(upload: ConvertedUpload) {
    const chosen = resolveSelection(pipelines, upload.pipeline);
    if ("selection" in chosen) setSelection(chosen.selection);
    setNotice(null);
    const text = `${JSON.stringify(upload.config, null, 2)}\n`;
    if (editor.current) editor.current.setValue(text);
    else textToLoad.current = text;
  }

  function loadExample() {
    if (!detail || !editor.current) return;
    const text = `${JSON.stringify(detail.example ?? {}, null, 2)}\n`;
    lastExample.current = text;
    editor.current.setValue(text);
  }

  // A new pipeline's example replaces an empty editor or the previous, untouched example.
  useEffect(() => {
    const current = editor.current?.getValue();
    if (!detail || current === undefined || textToLoad.current !== null) return;
    if (current.trim() === "" || current === lastExample.current) loadExample();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [detail]);

  const problems = result && result.schemaKey === schemaKey ? result.problems : [];
  const checked = fresh && !stale;
  const canSend = checked && result.valid && !submitting;

  async function send() {
    const text = editor.current?.getValue();
    const request =
      ref && text !== undefined
        ? buildRunRequest(ref, runName.trim() || result?.project || "", text)
        : null;
    if (!request) return;
    setSubmitting(true);
    setServerError(null);
    const response = await fetch("/api/v1/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: request.body,
    }).catch(() => null);
    if (response?.status === 201) {
      const run = (await response.json()) as { id: string };
      if (timer.current) clearTimeout(timer.current);
      clearDraft();
      router.push(`/runs/${run.id}`);
      return;
    }
    setSubmitting(false);
    const problem = response
      ? ((await response.json().catch(() => null)) as {
          detail?: string;
          errors?: ServerProblem[];
        } | null)
      : null;
    setServerError({
      detail: problem?.detail ?? "The server could not be reached. Your text is kept; try again.",
      errors: toEditorProblems(problem?.errors ?? [], request.prefix),
    });
  }

  /** Submits now if the text as it is was found valid; else once the check running now ends. */
  function submit() {
    if (submitting) return;
    if (canSend) {
      void send();
      return;
    }
    submitWhenChecked.current = true;
    if (timer.current) clearTimeout(timer.current);
    revalidate();
  }

  useEffect(() => {
    if (!submitWhenChecked.current || !checked) return;
    submitWhenChecked.current = false;
    if (result.valid) void send();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [checked, result]);

  // Ctrl/Cmd+Enter submits from anywhere on the page (inside the editor Monaco handles it).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.key !== "Enter" || event.defaultPrevented)
        return;
      if ((event.target as Element | null)?.closest?.(".monaco-editor")) return;
      event.preventDefault();
      submit();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const summary = pipelines.find((p) => p.name === selection?.name);
  if (pipelines.length === 0) {
    return (
      <main>
        <h1>New run</h1>
        <div className="card">
          No pipeline is registered yet. See <Link href="/pipelines">Pipelines</Link>.
        </div>
      </main>
    );
  }

  // While a check runs, the last verdict for this schema stays (no flicker at every key).
  const verdict = result && result.schemaKey === schemaKey ? result : null;
  const status = detailError
    ? detailError
    : !detail
      ? "Loading the pipeline's schema…"
      : !verdict
        ? "Checking…"
        : verdict.valid
          ? `✓ Valid for ${ref}`
          : `${problems.length} problem${problems.length === 1 ? "" : "s"} to fix before submitting`;

  return (
    <main>
      <div className="page-header">
        <div>
          <h1>New run</h1>
          <p className="muted">
            Write or paste the run&apos;s JSON; it is checked as you type, exactly as the server
            checks it.
          </p>
        </div>
      </div>
      <section className={`card ${styles.picker}`} aria-label="Pipeline">
        <div className="field">
          <label htmlFor="pipeline">Pipeline</label>
          <select
            id="pipeline"
            value={selection?.name ?? ""}
            onChange={(e) => {
              const chosen = resolveSelection(pipelines, e.target.value);
              if ("selection" in chosen) setSelection(chosen.selection);
              setNotice(null);
            }}
          >
            {pipelines.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} — {p.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="version">Version</label>
          <select
            id="version"
            value={selection?.version ?? ""}
            onChange={(e) =>
              selection && setSelection({ name: selection.name, version: e.target.value })
            }
          >
            {summary?.versions.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
                {v.isDev ? " (dev)" : v.version === summary.latest ? " (latest)" : ""}
              </option>
            ))}
          </select>
        </div>
        <div className={`field ${styles.grow}`}>
          <label htmlFor="run-name">Run name (optional)</label>
          <input
            id="run-name"
            value={runName}
            maxLength={255}
            placeholder={result?.project ?? "e.g. the project or batch"}
            onChange={(e) => setRunName(e.target.value)}
          />
        </div>
        <div className={styles.pickerActions}>
          <button
            type="button"
            className="btn"
            onClick={() => {
              loadExample();
              setNotice(null);
            }}
            disabled={!detail}
          >
            Load example
          </button>
          {selection ? (
            <Link
              className="btn"
              href={`/pipelines/${selection.name}?version=${selection.version}`}
            >
              Schema
            </Link>
          ) : null}
        </div>
        {detail ? <p className={styles.description}>{detail.description}</p> : null}
      </section>
      <SpreadsheetUpload
        pipelineRef={ref}
        getEditorText={() => editor.current?.getValue()}
        onConverted={loadUpload}
      />
      {notice ? (
        <div className="alert alert-ok" role="status">
          {notice}
        </div>
      ) : null}
      <p className={`muted ${styles.hint}`}>
        In the editor, Tab indents; press Ctrl+M first to move focus with Tab instead. Alt+F1 opens
        the editor&apos;s accessibility help.
      </p>
      <div className={styles.editorWrap}>
        <JsonEditor
          initialValue=""
          schema={detail?.schema ?? null}
          schemaUri={`runport://schemas/${ref ?? "none"}.json`}
          problems={problems}
          onChange={onChange}
          onSubmit={submit}
          onReady={(handle) => {
            editor.current = handle;
            reset(handle.getValue());
            const pending = textToLoad.current;
            textToLoad.current = null;
            if (pending !== null) handle.setValue(pending);
            else if (detail) loadExample();
            revalidate();
          }}
          ariaLabel={`Run config for ${ref ?? "the pipeline"} (JSON)`}
        />
      </div>
      <div className={styles.footer}>
        <p className={styles.status} role="status" aria-live="polite">
          {status}
        </p>
        <button
          type="button"
          className="btn btn-primary"
          onClick={submit}
          disabled={!canSend}
          aria-keyshortcuts="Control+Enter"
        >
          {submitting ? "Submitting…" : "Submit run"} <kbd className={styles.kbd}>Ctrl+Enter</kbd>
        </button>
      </div>
      {serverError ? (
        <div className="alert alert-error" role="alert">
          <strong>The server refused the run.</strong> {serverError.detail}
        </div>
      ) : null}
      <ProblemsList
        problems={serverError?.errors.length ? serverError.errors : problems}
        onSelect={(line, column) => editor.current?.reveal(line, column)}
      />
    </main>
  );
}
