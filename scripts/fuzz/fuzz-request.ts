/** What one fuzz case sends, and what the generators of each path need to know. */
import type fc from "fast-check";
import type { JsonSchema } from "./schema-values";

export interface FuzzRequest {
  method: "GET" | "POST";
  /** Path and query string, as sent (may hold odd percent-encoding). */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** One submission path or query family, with the generator of its requests. */
export interface FuzzTarget {
  name: string;
  arbitrary: fc.Arbitrary<FuzzRequest>;
}

/** A shipped pipeline: its name@version, schema and example config. */
export interface FuzzPipeline {
  ref: string;
  schema: JsonSchema;
  example: Record<string, unknown>;
}

/** What the generators start from: real pipelines, real templates, real CSV. */
export interface FuzzSeeds {
  pipelines: FuzzPipeline[];
  /** Workbooks the app generated: blank templates and templates filled with the example. */
  workbooks: Uint8Array[];
  /** CSV texts that convert (a sample sheet as a person exports it). */
  csvTexts: string[];
  /** A run id that exists (for the log query), and one that does not. */
  runIds: string[];
  /** How large the costly inputs get: 1 for the full run, less for a quick one. */
  scale: number;
}

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
