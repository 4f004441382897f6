"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { usePathCheck } from "@/components/editor/use-path-check";
import { SpreadsheetUpload } from "@/components/spreadsheets/spreadsheet-upload";
import type { PipelineSummary } from "@/lib/contract/pipelines";
import type { InitialRun } from "./new-run-state";
import { ConfigTabs, FormPanel, useConfigTab, useFormGroups } from "./config-tabs";
import { ProblemsList } from "./problems-list";
import { useNewRun } from "./use-new-run";
import styles from "./new-run.module.css";

// Monaco is big: it loads after the page, from the app's own bundle.
const JsonEditor = dynamic(
  () => import("@/components/editor/json-editor").then((m) => m.JsonEditor),
  {
    ssr: false,
    loading: () => <div className={styles.editorPlaceholder}>Loading the editor…</div>,
  },
);

/** Picks the pipeline, edits the config with live validation, submits it. */
export function NewRunClient({
  pipelines,
  initial,
}: {
  pipelines: PipelineSummary[];
  initial: InitialRun | null;
}) {
  const router = useRouter();
  const run = useNewRun({ pipelines, initial, navigate: (path) => router.push(path) });
  const { state, dispatch, detail, ref } = run;
  const { selection } = state;
  const summary = pipelines.find((p) => p.name === selection?.name);
  // The files the config names, checked by the server after a pause (marked as errors too).
  const pathProblems = usePathCheck({
    pipelineRef: ref,
    schema: detail?.schema ?? null,
    valid: run.phase === "valid",
    textVersion: state.textVersion,
    getText: run.getEditorText,
  });
  const editorProblems = useMemo(
    () => [...run.problems.editor, ...pathProblems],
    [run.problems.editor, pathProblems],
  );
  // The form shows the same problems at its fields (the server's too, after a refusal).
  const formProblems = useMemo(
    () => [...run.problems.list, ...pathProblems],
    [run.problems.list, pathProblems],
  );
  const groups = useFormGroups(detail?.schema ?? null);
  const { tab, choose, formAvailable } = useConfigTab(groups);
  const editInJson = (pointer: string) => {
    choose("json");
    // After the JSON panel shows (the editor lays itself out again when it has a size).
    requestAnimationFrame(() => requestAnimationFrame(() => run.revealPointer(pointer)));
  };
  // A problem chosen in the list is shown in the editor (the JSON tab, if the form shows).
  const revealInJson = (line: number, column: number) => {
    if (tab === "json") return run.reveal(line, column);
    choose("json");
    requestAnimationFrame(() => requestAnimationFrame(() => run.reveal(line, column)));
  };
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
            Fill in the form or write the run&apos;s JSON; it is checked as you type, exactly as the
            server checks it.
          </p>
        </div>
      </div>
      <section className={`card ${styles.picker}`} aria-label="Pipeline">
        <div className="field">
          <label htmlFor="pipeline">Pipeline</label>
          <select
            id="pipeline"
            value={selection?.name ?? ""}
            onChange={(e) => dispatch({ type: "pipeline-chosen", reference: e.target.value })}
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
            onChange={(e) => dispatch({ type: "version-chosen", version: e.target.value })}
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
            value={state.runName}
            maxLength={255}
            placeholder={state.verdict?.project ?? "e.g. the project or batch"}
            onChange={(e) => dispatch({ type: "renamed", name: e.target.value })}
          />
        </div>
        <div className={styles.pickerActions}>
          <button
            type="button"
            className="btn"
            onClick={() => dispatch({ type: "example-asked" })}
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
        getEditorText={run.getEditorText}
        onConverted={run.upload}
      />
      {state.notice ? (
        <div className="alert alert-ok" role="status">
          {state.notice}
        </div>
      ) : null}
      <ConfigTabs tab={tab} onChoose={choose} formAvailable={formAvailable} />
      <div
        id="config-panel-form"
        role="tabpanel"
        aria-labelledby="config-tab-form"
        className={`card ${styles.formPanel}`}
        hidden={tab !== "form"}
      >
        <FormPanel
          groups={groups}
          active={tab === "form"}
          textVersion={state.textVersion}
          getText={run.getEditorText}
          applyEdits={run.applyEdits}
          problems={formProblems}
          onEditInJson={editInJson}
        />
      </div>
      {/* The editor stays mounted while the form shows: its text is the one source of truth. */}
      <div
        id="config-panel-json"
        role="tabpanel"
        aria-labelledby="config-tab-json"
        hidden={tab !== "json"}
      >
        <p className={`muted ${styles.hint}`}>
          In the editor, Tab indents; press Ctrl+M first to move focus with Tab instead. Alt+F1
          opens the editor&apos;s accessibility help.
        </p>
        <div className={styles.editorWrap}>
          <JsonEditor
            schema={detail?.schema ?? null}
            schemaUri={`runport://schemas/${ref ?? "none"}.json`}
            problems={editorProblems}
            warnings={run.problems.warnings}
            onChange={run.onEditorChange}
            onSubmit={() => dispatch({ type: "submit-asked" })}
            onReady={run.onEditorReady}
            ariaLabel={`Run config for ${ref ?? "the pipeline"} (JSON)`}
          />
        </div>
      </div>
      <div className={styles.footer}>
        <p className={styles.status} role="status" aria-live="polite">
          {run.status}
          {pathProblems.length > 0
            ? ` — but ${pathProblems.length === 1 ? "1 file" : `${pathProblems.length} files`} cannot be used (below)`
            : null}
        </p>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => dispatch({ type: "submit-asked" })}
          disabled={!run.canSend}
          aria-keyshortcuts="Control+Enter"
        >
          {run.phase === "submitting" ? "Submitting…" : "Submit run"}{" "}
          <kbd className={styles.kbd}>Ctrl+Enter</kbd>
        </button>
      </div>
      {state.serverError ? (
        <div className="alert alert-error" role="alert">
          <strong>The server refused the run.</strong> {state.serverError.detail}
        </div>
      ) : null}
      <ProblemsList problems={formProblems} onSelect={revealInJson} />
    </main>
  );
}
