import type { TextProblem } from "@/lib/schema/check-config-text";
import type { TextEdit } from "@/lib/json/string-index";
import type { UnknownProperties } from "@/lib/schema/unknown-properties";

/** One edit of the document, as Monaco reports it (offsets in UTF-16 code units). */
export type { TextEdit } from "@/lib/json/string-index";

/**
 * A check of the text at `version` (the caller's count of its edits). The caller asks
 * after sending the edits that made that version, never before: an answer may then
 * describe newer text than its version says, never older.
 */
export interface ValidationRequest {
  version: number;
  schemaKey: string;
  schema: Record<string, unknown>;
  /** The pipeline's choice for undeclared properties (default `warn`, as on the server). */
  unknownProperties?: UnknownProperties;
}

/**
 * Main thread → validation worker. The worker keeps its own copy of the text and
 * receives edits, so a keystroke in a 5 MB document never copies 5 MB.
 */
export type ValidationMessage =
  | { type: "reset"; text: string }
  | { type: "edit"; edits: TextEdit[] }
  /** Compile the schema now (the page has it before the editor is ready, and no check yet). */
  | { type: "prepare"; schemaKey: string; schema: Record<string, unknown> }
  /** `length`: the editor's length (a lost edit shows as a mismatch). */
  | ({ type: "validate"; id: number; length: number } & ValidationRequest);

/** Validation worker → main thread. */
export interface ValidationResponse {
  id: number;
  version: number;
  schemaKey: string;
  problems: TextProblem[];
  /** Shown as warning markers; they do not make the text invalid (Submit stays enabled). */
  warnings: TextProblem[];
  /** The document's top-level `pipeline`, when it names one (old-portal documents do). */
  pipeline: string | null;
  /** The document's top-level `project` (the old portal's run name). */
  project: string | null;
  valid: boolean;
  /** The worker's copy did not match the editor (it asks for the whole text again). */
  outOfSync: boolean;
  /** Only the strings edited since the last check were validated (see IncrementalCheck). */
  incremental?: boolean;
  ms: number;
}
