import type { TextProblem } from "@/lib/schema/check-config-text";

/** Main thread → validation worker. */
export interface ValidationRequest {
  id: number;
  text: string;
  /** Identifies the schema, so the worker compiles each schema once. */
  schemaKey: string;
  schema: Record<string, unknown> | null;
}

/** Validation worker → main thread. */
export interface ValidationResponse {
  id: number;
  problems: TextProblem[];
  /** The document's top-level `pipeline`, when it names one (old-portal documents do). */
  pipeline: string | null;
  /** The document's top-level `project` (the old portal's run name). */
  project: string | null;
  valid: boolean;
  ms: number;
}
