"use client";

import { useEffect, useEffectEvent, useReducer, useRef } from "react";
import type { JsonEditorHandle } from "@/components/editor/json-editor";
import { useConfigValidation } from "@/components/editor/use-config-validation";
import type { TextEdit } from "@/components/editor/validation-protocol";
import type { ConvertedUpload } from "@/components/spreadsheets/spreadsheet-upload";
import { ApiProblem, callApi, callApiText, type FieldProblem } from "@/components/ui/api-client";
import type { PipelineDetail, PipelineSummary } from "@/lib/contract/pipelines";
import { positionAt } from "@/lib/json/parse-json";
import { locateAll } from "@/lib/json/scan-json";
import { clearDraft, loadDraft, saveDraft } from "./draft";
import { initialState, newRunReducer, viewOf, type InitialRun } from "./new-run-state";
import type { Selection } from "./pipeline-selection";
import { buildRunRequest, toEditorProblems } from "./run-request";

/** The pause in typing after which the text is checked and the draft kept. */
const PAUSE_MS = 40;
/** Bigger drafts are not kept: slow to read at every pause; localStorage holds about 5 MB. */
const DRAFT_MAX_CHARS = 1_000_000;

/** The selected version's schema, or why it could not be loaded. */
type SchemaAnswer = { detail: PipelineDetail } | { error: string };

async function loadSchema({ name, version }: Selection): Promise<SchemaAnswer> {
  const url = `/api/v1/pipelines/${encodeURIComponent(name)}?version=${encodeURIComponent(version)}`;
  const failed = (status: number) => ({
    error: `The schema of ${name}@${version} could not be loaded (${status}).`,
  });
  try {
    const detail = await callApi<PipelineDetail>("GET", url);
    return detail ? { detail } : failed(204);
  } catch (error) {
    if (!(error instanceof ApiProblem) || error.status === 0)
      return { error: "The server could not be reached to load the pipeline's schema." };
    return failed(error.status);
  }
}

/** The server's refusal in the editor's terms (positions without the envelope). */
function refusal(error: unknown, prefix: number): { detail: string; errors: FieldProblem[] } {
  if (!(error instanceof ApiProblem) || error.status === 0)
    return { detail: "The server could not be reached. Your text is kept; try again.", errors: [] };
  return { detail: error.message, errors: toEditorProblems(error.errors, prefix) };
}

/**
 * The New run page's behaviour: the reducer of ./new-run-state.ts, and the effects that
 * carry its requests out (schema, checks, draft, submission), each answer dispatched
 * with what it answers.
 */
export function useNewRun({
  pipelines,
  initial,
  navigate,
}: {
  pipelines: PipelineSummary[];
  initial: InitialRun | null;
  navigate: (path: string) => void;
}) {
  const [state, dispatch] = useReducer(newRunReducer, { pipelines, initial }, initialState);
  const editor = useRef<JsonEditorHandle | null>(null);
  const { reset, edit, prepare, validate } = useConfigValidation({
    editor,
    onResult: (response) => dispatch({ type: "checked", response }),
  });
  const view = viewOf(state);
  const { phase, detail, schemaKey, ref } = view;
  const { selection, pending, textVersion, runName } = state;
  const editorReady = textVersion > 0;
  const busy = phase === "submitting";

  // A draft comes back after a reload (read after hydration: the server has no storage).
  useEffect(() => dispatch({ type: "draft-found", draft: loadDraft() }), []);

  const generation = state.schema?.phase === "loading" ? state.schema.generation : null;
  useEffect(() => {
    if (generation === null || !selection) return;
    void loadSchema(selection).then((answer) =>
      dispatch(
        "error" in answer
          ? { type: "schema-failed", generation, ...answer }
          : {
              type: "schema-loaded",
              generation,
              ...answer,
              editorText: editor.current?.getValue(),
            },
      ),
    );
  }, [generation, selection]);

  // Text waiting for the editor (draft, upload, example) goes in once the editor is there.
  useEffect(() => {
    if (!pending || !editorReady) return;
    editor.current?.setValue(pending.text);
    dispatch({ type: "text-loaded", id: pending.id });
  }, [pending, editorReady]);

  // The validator is compiled as soon as the schema is here, while the editor loads.
  useEffect(() => {
    if (detail && schemaKey) prepare(schemaKey, detail.schema);
  }, [detail, schemaKey, prepare]);

  // The text as it is now is checked against the loaded schema, after a pause in typing.
  const needsCheck = phase === "editing" && editorReady;
  useEffect(() => {
    if (!needsCheck || !detail || !schemaKey) return;
    const check = () => {
      const { schema, unknownProperties } = detail;
      validate({ version: textVersion, schemaKey, schema, unknownProperties });
      dispatch({ type: "check-sent", version: textVersion, schemaKey });
    };
    if (!state.typing) return check();
    const timer = setTimeout(check, PAUSE_MS);
    return () => clearTimeout(timer);
  }, [needsCheck, state.typing, textVersion, schemaKey, detail, validate]);

  // ...and kept as the draft (not while it is being submitted: a sent run has none).
  useEffect(() => {
    if (!editorReady || !ref || !schemaKey || busy) return;
    const timer = setTimeout(() => {
      const length = editor.current?.getLength();
      if (length === undefined) return;
      if (length < DRAFT_MAX_CHARS)
        saveDraft({ pipeline: ref, text: editor.current?.getValue() ?? "", name: runName });
      else clearDraft(); // an older, smaller draft would come back instead of this text
    }, PAUSE_MS);
    return () => clearTimeout(timer);
  }, [editorReady, ref, schemaKey, busy, textVersion, runName]);

  const sent = useEffectEvent((runId: string) => {
    clearDraft();
    dispatch({ type: "submitted" });
    navigate(`/runs/${runId}`);
  });
  const sending = state.submit.phase === "sending" ? state.submit : null;
  useEffect(() => {
    if (!sending) return;
    const text = editor.current?.getValue() ?? ""; // no editor: not JSON, dropped
    const request = buildRunRequest(sending.pipeline, sending.name, text);
    if (!request) return dispatch({ type: "submit-dropped" });
    void callApiText<{ id: string }>("POST", "/api/v1/runs", request.body).then(
      (run) => sent(run?.id ?? ""),
      (error: unknown) => dispatch({ type: "submit-failed", ...refusal(error, request.prefix) }),
    );
  }, [sending]);

  // Ctrl/Cmd+Enter submits from anywhere on the page (inside the editor Monaco handles it).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.key !== "Enter" || event.defaultPrevented)
        return;
      if ((event.target as Element | null)?.closest?.(".monaco-editor")) return;
      event.preventDefault();
      dispatch({ type: "submit-asked" });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return {
    state,
    dispatch,
    ...view,
    canSend: phase === "valid",
    onEditorReady: (handle: JsonEditorHandle) => {
      editor.current = handle;
      reset(handle.getValue());
      dispatch({ type: "editor-ready" });
    },
    onEditorChange: (edits: TextEdit[]) => {
      edit(edits); // to the worker first: a check asked for this version sees these edits
      dispatch({ type: "edited" });
    },
    getEditorText: () => editor.current?.getValue(),
    /** Edits from the Form tab, applied to the editor's text (one undoable step). */
    applyEdits: (edits: TextEdit[]) => editor.current?.applyEdits(edits),
    /** Shows the value at a JSON Pointer in the editor (its nearest existing ancestor). */
    revealPointer: (pointer: string) => {
      const text = editor.current?.getValue();
      if (text === undefined) return;
      const [at] = locateAll(text, [{ path: pointer }]);
      const { line, column } = positionAt(text, at?.offset ?? 0);
      editor.current?.reveal(line, column);
    },
    reveal: (line: number, column: number) => editor.current?.reveal(line, column),
    upload: ({ pipeline, config }: ConvertedUpload) =>
      dispatch({ type: "uploaded", pipeline, text: `${JSON.stringify(config, null, 2)}\n` }),
  };
}
