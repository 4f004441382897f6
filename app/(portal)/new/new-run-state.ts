import type { TextProblem } from "@/lib/schema/check-config-text";
import type { PipelineDetail, PipelineSummary } from "@/lib/contract/pipelines";
import type { ValidationResponse } from "@/components/editor/validation-protocol";
import type { Draft } from "./draft";
import { defaultSelection, resolveSelection, type Selection } from "./pipeline-selection";
import type { FieldProblem } from "@/components/ui/api-client";

/**
 * The New run page as a state machine (pure: no I/O, no timers). The editor's text lives
 * in the editor; this counts its changes (`textVersion`). Every asynchronous answer says
 * what it answers (a schema request's generation; a check's text version and schema key)
 * and an answer that no longer matches the page is ignored here, so no late answer can
 * replace a newer one whatever order they arrive in.
 */

export interface InitialRun {
  pipeline: string;
  text: string | null;
  name: string | null;
  /** The run this one re-runs. */
  from: string | null;
  /** What to tell about where the text came from (a link's config). */
  notice?: string | null;
}

/** The selected version's schema; each request of it has its own generation. */
export type SchemaState = { generation: number } & (
  | { phase: "loading" }
  | { phase: "loaded"; detail: PipelineDetail }
  | { phase: "failed"; error: string }
);

export type SubmitState =
  | { phase: "idle" }
  /** Asked before the text was found valid: goes once its check ends. */
  | { phase: "queued" }
  | { phase: "sending"; pipeline: string; name: string }
  | { phase: "sent" };

export interface NewRunState {
  pipelines: readonly PipelineSummary[];
  selection: Selection | null;
  schema: SchemaState | null;
  /** Counts the editor's changes (0 until the editor is ready): a check answers one version. */
  textVersion: number;
  /** The text was last changed by typing: its check waits for a pause (not a loaded text's). */
  typing: boolean;
  /** Text waiting to go into the editor (a draft, an upload, an example). */
  pending: { id: number; text: string } | null;
  /** The example last put in the editor: a new pipeline's example replaces it if untouched. */
  lastExample: string | null;
  /** The last check asked for. */
  sent: { version: number; schemaKey: string } | null;
  /** The newest answer (shown while the next check runs; the pipeline it names is followed). */
  verdict: ValidationResponse | null;
  /** Whether a saved draft may still come back, and for which pipeline only. */
  draftFor: { name: string | null } | null;
  runName: string;
  notice: string | null;
  submit: SubmitState;
  serverError: { detail: string; errors: FieldProblem[] } | null;
  /** Source of generations and pending-text ids. */
  serial: number;
}

export type NewRunAction =
  | { type: "draft-found"; draft: Draft | null }
  | { type: "pipeline-chosen"; reference: string }
  | { type: "version-chosen"; version: string }
  | { type: "renamed"; name: string }
  /** `editorText`: the editor's text when the answer came (undefined before it is ready). */
  | { type: "schema-loaded"; generation: number; detail: PipelineDetail; editorText?: string }
  | { type: "schema-failed"; generation: number; error: string }
  | { type: "editor-ready" }
  | { type: "text-loaded"; id: number }
  | { type: "edited" }
  | { type: "check-sent"; version: number; schemaKey: string }
  | { type: "checked"; response: ValidationResponse }
  | { type: "example-asked" }
  | { type: "uploaded"; pipeline: string; text: string }
  | { type: "submit-asked" }
  | { type: "submit-dropped" }
  | { type: "submitted" }
  | { type: "submit-failed"; detail: string; errors: FieldProblem[] };

export type NewRunPhase =
  "loading-schema" | "schema-failed" | "editing" | "checking" | "valid" | "invalid" | "submitting";

export function initialState({
  pipelines,
  initial,
}: {
  pipelines: readonly PipelineSummary[];
  initial: InitialRun | null;
}): NewRunState {
  const asked = initial ? resolveSelection(pipelines, initial.pipeline) : null;
  const wanted = asked && "selection" in asked ? asked.selection : null;
  const fallback = defaultSelection(pipelines);
  const state: NewRunState = {
    pipelines,
    selection: null,
    schema: null,
    textVersion: 0,
    typing: false,
    pending: initial?.text ? { id: 0, text: initial.text } : null,
    lastExample: null,
    sent: null,
    verdict: null,
    draftFor: initial?.text ? null : { name: wanted?.name ?? null },
    runName: initial?.name ?? "",
    notice: initial?.from
      ? `Re-running ${initial.from}: edit and submit.`
      : initial?.notice
        ? initial.notice
        : asked && "problem" in asked
          ? `${asked.problem} Showing ${fallback?.name ?? "another pipeline"} instead.`
          : null,
    submit: { phase: "idle" },
    serverError: null,
    serial: 0,
  };
  const selection = wanted ?? fallback;
  return selection ? select(state, selection) : state;
}

const refOf = (selection: Selection | null): string | null =>
  selection ? `${selection.name}@${selection.version}` : null;

/** The key checks are asked and answered with: only the loaded schema's own. */
export function schemaKeyOf({ schema, selection }: NewRunState): string | null {
  return schema?.phase === "loaded" ? `${refOf(selection)}#${schema.generation}` : null;
}

function detailOf(state: NewRunState): PipelineDetail | null {
  return state.schema?.phase === "loaded" ? state.schema.detail : null;
}

/** The newest answer for the selected schema, if any: its problems are the ones shown. */
function verdictOf(state: NewRunState): ValidationResponse | null {
  const key = schemaKeyOf(state);
  return key && state.verdict?.schemaKey === key ? state.verdict : null;
}

export function phaseOf(state: NewRunState): NewRunPhase {
  if (state.submit.phase === "sending" || state.submit.phase === "sent") return "submitting";
  if (state.schema?.phase === "failed") return "schema-failed";
  const key = schemaKeyOf(state);
  if (!key) return "loading-schema";
  const verdict = verdictOf(state);
  if (verdict?.version === state.textVersion) return verdict.valid ? "valid" : "invalid";
  const { sent } = state;
  return sent?.schemaKey === key && sent.version === state.textVersion ? "checking" : "editing";
}

/** The problems the editor marks and the list shows (the server's, after a refusal). */
export function problemsOf(state: NewRunState): {
  editor: TextProblem[];
  list: FieldProblem[];
  /** Warning markers (undeclared properties): shown, but the text stays valid. */
  warnings: TextProblem[];
} {
  const verdict = verdictOf(state);
  const editor = verdict?.problems ?? [];
  const list = state.serverError?.errors.length ? state.serverError.errors : editor;
  return { editor, list, warnings: verdict?.warnings ?? [] };
}

/** The line under the editor. */
export function statusOf(state: NewRunState): string {
  if (state.schema?.phase === "failed") return state.schema.error;
  if (!schemaKeyOf(state)) return "Loading the pipeline's schema…";
  // While a check runs, the last verdict for this schema stays (no flicker at every key).
  const verdict = verdictOf(state);
  if (!verdict) return "Checking…";
  if (verdict.valid) {
    const count = verdict.warnings.length;
    const warned = count ? ` (${count} warning${count === 1 ? "" : "s"}: not declared)` : "";
    return `✓ Valid for ${refOf(state.selection)}${warned}`;
  }
  const count = verdict.problems.length;
  return `${count} problem${count === 1 ? "" : "s"} to fix before submitting`;
}

/** What the page shows and the hook acts on, derived from the state. */
export function viewOf(state: NewRunState) {
  return {
    phase: phaseOf(state),
    detail: detailOf(state),
    schemaKey: schemaKeyOf(state),
    ref: refOf(state.selection),
    status: statusOf(state),
    problems: problemsOf(state),
  };
}

/** Selects a pipeline version; a new selection asks for its schema (a new generation). */
function select(state: NewRunState, selection: Selection): NewRunState {
  if (state.schema && refOf(selection) === refOf(state.selection)) return state;
  const generation = state.serial + 1;
  return { ...state, selection, schema: { phase: "loading", generation }, serial: generation };
}

/** Selects what a reference names, if it names a known version; clears the notice. */
function choose(state: NewRunState, reference: string): NewRunState {
  const chosen = resolveSelection(state.pipelines, reference);
  const next = { ...state, notice: null };
  return "selection" in chosen ? select(next, chosen.selection) : next;
}

function withText(state: NewRunState, text: string): NewRunState {
  const id = state.serial + 1;
  return { ...state, pending: { id, text }, serial: id };
}

function withExample(state: NewRunState): NewRunState {
  const detail = detailOf(state);
  if (!detail) return state;
  const text = `${JSON.stringify(detail.example ?? {}, null, 2)}\n`;
  return { ...withText(state, text), lastExample: text };
}

/**
 * Takes a check's answer. A document that names its pipeline (the old portal's configs do)
 * selects it, once per change of that name: a choice made in the menus afterwards stays.
 */
function withVerdict(state: NewRunState, verdict: ValidationResponse): NewRunState {
  const next = { ...state, verdict };
  const named = verdict.pipeline;
  if (!named || named === state.verdict?.pipeline) return next;
  const resolved = resolveSelection(state.pipelines, named);
  if ("problem" in resolved)
    return { ...next, notice: `The document names ${named}: ${resolved.problem}` };
  const wanted = refOf(resolved.selection);
  if (wanted === refOf(state.selection)) return next;
  return {
    ...select(next, resolved.selection),
    notice: `The document names ${named}: switched to ${wanted}.`,
  };
}

/** A submission asked for goes now if the text as it is was found valid; else it waits. */
function settleQueued(state: NewRunState): NewRunState {
  if (state.submit.phase !== "queued") return state;
  const phase = phaseOf(state);
  const pipeline = refOf(state.selection);
  if (phase === "valid" && pipeline) {
    const name = state.runName.trim() || verdictOf(state)?.project || "";
    return { ...state, submit: { phase: "sending", pipeline, name }, serverError: null };
  }
  return phase === "invalid" ? { ...state, submit: { phase: "idle" } } : state;
}

export function newRunReducer(state: NewRunState, action: NewRunAction): NewRunState {
  switch (action.type) {
    case "draft-found": {
      // Once, on arrival; never over a re-run's text nor for another pipeline than asked.
      const { draftFor } = state;
      const { draft } = action;
      if (!draftFor) return state;
      const next = { ...state, draftFor: null };
      const restored = draft ? resolveSelection(state.pipelines, draft.pipeline) : null;
      if (!draft || !restored || !("selection" in restored)) return next;
      if (draftFor.name && restored.selection.name !== draftFor.name) return next;
      return withText({ ...select(next, restored.selection), runName: draft.name }, draft.text);
    }
    case "pipeline-chosen":
      return choose(state, action.reference);
    case "version-chosen":
      return state.selection
        ? select(state, { name: state.selection.name, version: action.version })
        : state;
    case "renamed":
      return { ...state, runName: action.name };
    case "schema-loaded":
    case "schema-failed": {
      const { schema } = state;
      if (schema?.phase !== "loading" || schema.generation !== action.generation) return state;
      if (action.type === "schema-failed")
        return { ...state, schema: { ...schema, phase: "failed", error: action.error } };
      const loaded = { ...schema, phase: "loaded" as const, detail: action.detail };
      const next = { ...state, typing: false, schema: loaded }; // a new schema checks at once
      // A new pipeline's example replaces an empty editor or the previous, untouched example.
      const text = action.editorText;
      const untouched = text !== undefined && (text.trim() === "" || text === state.lastExample);
      return untouched && !state.pending ? withExample(next) : next;
    }
    case "editor-ready": {
      const next = { ...state, typing: false, textVersion: state.textVersion + 1 };
      return state.pending ? next : withExample(next);
    }
    case "text-loaded":
      return state.pending?.id === action.id ? { ...state, pending: null, typing: false } : state;
    case "edited":
      return { ...state, textVersion: state.textVersion + 1, typing: true, serverError: null };
    case "check-sent":
      return { ...state, sent: { version: action.version, schemaKey: action.schemaKey } };
    case "checked": {
      const { response } = action;
      const shown = verdictOf(state);
      // For another pipeline or version, or older than the answer shown: stale.
      if (response.schemaKey !== schemaKeyOf(state)) return state;
      if (shown && response.version < shown.version) return state;
      return settleQueued(withVerdict(state, response));
    }
    case "example-asked":
      return { ...withExample(state), notice: null };
    case "uploaded":
      // The spreadsheet's JSON replaces the editor's text, for review; it selects its pipeline.
      return withText(choose(state, action.pipeline), action.text);
    case "submit-asked": {
      // Now if the text as it is was found valid; else once the check to come ends.
      const phase = phaseOf(state);
      if (state.submit.phase !== "idle" || phase === "invalid" || phase === "schema-failed")
        return state;
      return settleQueued({ ...state, typing: false, submit: { phase: "queued" } });
    }
    case "submitted":
      return { ...state, submit: { phase: "sent" } };
    case "submit-dropped":
      return { ...state, submit: { phase: "idle" } };
    case "submit-failed": {
      const { detail, errors } = action;
      return { ...state, submit: { phase: "idle" }, serverError: { detail, errors } };
    }
  }
}
