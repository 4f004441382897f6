import type { z } from "zod";
import { parseJsonDocument, type JsonDocument } from "../http/json-body";

/** A parsed schedule request: its values, the document (to locate problems) and the config text. */
export interface ScheduleRequest<T> {
  value: T;
  doc: JsonDocument;
  /** The config's text exactly as sent (stored as is), when the body has one. */
  configText: string | undefined;
}

/**
 * Parses a schedule body (ZCreateScheduleRequest or ZUpdateScheduleRequest): 400 with
 * line and column when it is not JSON, 422 (with JSON Pointers and positions) when it
 * does not match the schema.
 */
export function parseScheduleRequest<T extends z.ZodType>(
  bodyText: string,
  schema: T,
): ScheduleRequest<z.output<T>> {
  const doc = parseJsonDocument(bodyText, schema, {
    subject: "The schedule request",
    spans: ["/config"],
  });
  return { value: doc.value, doc, configText: doc.textAt("/config") };
}
