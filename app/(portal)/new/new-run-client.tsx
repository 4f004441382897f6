"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { JsonEditorHandle } from "@/components/editor/json-editor";
import type { TextEdit } from "@/components/editor/validation-protocol";
import { useConfigValidation } from "@/components/editor/use-config-validation";
import type { PipelineDetail, PipelineSummary } from "@/lib/api-types";
import { parsePipelineRef, resolveVersion } from "@/lib/pipeline-ref";
import { ProblemsList, type ServerProblem } from "./problems-list";
import { clearDraft, loadDraft, saveDraft } from "./draft";
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

interface Selection {
  name: string;
  version: string;
}

const VALIDATE_DELAY_MS = 40;
const DRAFT_MAX_CHARS = 1_000_000;

function pick(pipelines: PipelineSummary[], reference: string | null): Selection | null {
  const ref = reference ? parsePipelineRef(reference) : null;
  const pipeline = pipelines.find((p) => p.name === (ref?.name ?? pipelines[0]?.name));
  if (!pipeline) return null;
  const version =
    resolveVersion(pipeline.versions, ref?.selector ?? "latest") ??
    pipeline.latest ??
    pipeline.versions[0]?.version;
  return version ? { name: pipeline.name, version } : null;
}

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
  const startup = useMemo(() => {
    if (initial?.text)
      return {
        selection: pick(pipelines, initial.pipeline),
        text: initial.text,
        name: initial.name ?? "",
      };
    // A draft comes back after a reload, unless the link asks for another pipeline.
    const draft = loadDraft();
    const asked = initial ? parsePipelineRef(initial.pipeline)?.name : undefined;
    if (draft && (!asked || parsePipelineRef(draft.pipeline)?.name === asked)) {
      return { selection: pick(pipelines, draft.pipeline), text: draft.text, name: draft.name };
    }
    return { selection: pick(pipelines, initial?.pipeline ?? null), text: null, name: "" };
  }, [pipelines, initial]);
  const [selection, setSelection] = useState<Selection | null>(startup.selection);
  const [detail, setDetail] = useState<PipelineDetail | null>(null);
  const [runName, setRunName] = useState(startup.name);
  const [notice, setNotice] = useState<string | null>(
    initial?.from ? `Re-running ${initial.from}: edit and submit.` : null,
  );
  const [serverError, setServerError] = useState<{
    detail: string;
    errors: ServerProblem[];
  } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const { result, reset, edit, validate } = useConfigValidation({
    getValue: () => editor.current?.getValue(),
    getLength: () => editor.current?.getLength(),
  });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pendingText = useRef<string | null>(startup.text);
  const lastExample = useRef<string | null>(null);
  const ref = selection ? `${selection.name}@${selection.version}` : null;

  // The selected version's schema and example.
  useEffect(() => {
    if (!selection) return;
    let cancelled = false;
    const url = `/api/v1/pipelines/${encodeURIComponent(selection.name)}?version=${encodeURIComponent(selection.version)}`;
    void fetch(url).then(async (response) => {
      if (!cancelled && response.ok) setDetail((await response.json()) as PipelineDetail);
    });
    return () => {
      cancelled = true;
    };
  }, [selection]);

  const revalidate = useCallback(() => {
    const length = editor.current?.getLength();
    if (length === undefined || !ref) return;
    validate(ref, detail && `${detail.name}@${detail.version}` === ref ? detail.schema : null);
    // Drafts of huge documents are not kept (reading 5 MB on every pause costs too much).
    if (length < DRAFT_MAX_CHARS)
      saveDraft({ pipeline: ref, text: editor.current?.getValue() ?? "", name: runName });
  }, [validate, ref, detail, runName]);

  useEffect(() => revalidate(), [revalidate]);

  const onChange = useCallback(
    (edits: TextEdit[]) => {
      edit(edits);
      setServerError(null);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(revalidate, VALIDATE_DELAY_MS);
    },
    [edit, revalidate],
  );

  // A pasted document that names its pipeline (the old portal's configs do) selects it.
  useEffect(() => {
    const named = result?.pipeline ? pick(pipelines, result.pipeline) : null;
    const known = result?.pipeline ? parsePipelineRef(result.pipeline) : null;
    if (!named || !known || !pipelines.some((p) => p.name === known.name)) return;
    if (named.name !== selection?.name || named.version !== selection.version) {
      setSelection(named);
      setNotice(
        `The document names ${result?.pipeline}: switched to ${named.name}@${named.version}.`,
      );
    }
  }, [result, pipelines, selection]);

  function loadExample() {
    if (!detail || !editor.current) return;
    const text = `${JSON.stringify(detail.example ?? {}, null, 2)}\n`;
    lastExample.current = text;
    editor.current.setValue(text);
  }

  /** A new pipeline's example replaces an empty editor or the previous, untouched example. */
  function offerExample() {
    const current = editor.current?.getValue();
    if (current === undefined || !detail) return;
    if (current.trim() === "" || current === lastExample.current) loadExample();
  }

  useEffect(() => {
    if (detail && pendingText.current === null) offerExample();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [detail]);

  const problems = result?.problems ?? [];
  const checked = result !== null && detail !== null;
  const canSend = checked && result.valid && !submitting && ref !== null;

  async function submit() {
    const text = editor.current?.getValue();
    if (!ref || text === undefined) return;
    if (!canSend) {
      document.getElementById("problems")?.focus();
      return;
    }
    setSubmitting(true);
    setServerError(null);
    const name = runName.trim() || result?.project || "";
    // The config goes as its own text, byte for byte, inside the envelope.
    const body = `{"pipeline":${JSON.stringify(ref)},${name ? `"name":${JSON.stringify(name)},` : ""}"config":${text}}`;
    const response = await fetch("/api/v1/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    }).catch(() => null);
    if (response?.status === 201) {
      const run = (await response.json()) as { id: string };
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
      // Positions refer to the request, not the editor: keep the path and the message.
      errors: (problem?.errors ?? []).map((e) => ({
        path: e.path.replace(/^\/config/, ""),
        message: e.message,
      })),
    });
  }

  // Ctrl/Cmd+Enter submits from anywhere on the page (Monaco handles it inside the editor).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        void submit();
      }
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
              setSelection(pick(pipelines, e.target.value));
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
      {notice ? (
        <div className="alert alert-ok" role="status">
          {notice}
        </div>
      ) : null}
      <div className={styles.editorWrap}>
        <JsonEditor
          initialValue={startup.text ?? ""}
          schema={detail?.schema ?? null}
          schemaUri={`runport://schemas/${ref ?? "none"}.json`}
          problems={problems}
          onChange={onChange}
          onSubmit={() => void submit()}
          onReady={(handle) => {
            editor.current = handle;
            reset(handle.getValue());
            pendingText.current = null;
            offerExample();
            revalidate();
          }}
          ariaLabel={`Run config for ${ref ?? "the pipeline"} (JSON)`}
        />
      </div>
      <div className={styles.footer}>
        <p className={styles.status} role="status" aria-live="polite">
          {!checked
            ? "Checking…"
            : result.valid
              ? `✓ Valid for ${ref}`
              : `${problems.length} problem${problems.length === 1 ? "" : "s"} to fix before submitting`}
        </p>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => void submit()}
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
