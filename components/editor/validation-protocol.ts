import type { TextProblem } from "@/lib/schema/check-config-text";

/** One edit of the document, as Monaco reports it (offsets in UTF-16 code units). */
export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

/**
 * Main thread → validation worker. The worker keeps its own copy of the text and
 * receives edits, so a keystroke in a 5 MB document never copies 5 MB.
 */
export type ValidationMessage =
  | { type: "reset"; text: string }
  | { type: "edit"; edits: TextEdit[] }
  | {
      type: "validate";
      id: number;
      /** Which edit the text is at (the answer says, so stale answers can be told apart). */
      version: number;
      schemaKey: string;
      schema: Record<string, unknown>;
      /** The editor's length: a lost edit shows as a mismatch. */
      length: number;
    };

/** Validation worker → main thread. */
export interface ValidationResponse {
  id: number;
  version: number;
  schemaKey: string;
  problems: TextProblem[];
  /** The document's top-level `pipeline`, when it names one (old-portal documents do). */
  pipeline: string | null;
  /** The document's top-level `project` (the old portal's run name). */
  project: string | null;
  valid: boolean;
  /** The worker's copy did not match the editor (it asks for the whole text again). */
  outOfSync: boolean;
  ms: number;
}
