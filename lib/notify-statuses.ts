import { z } from "zod";
import { pointerSegments } from "./json/parse-json";

/** The run ends one can be told about (lib/run-status.ts's terminal statuses). */
export const END_STATUSES = ["succeeded", "failed", "error", "cancelled"] as const;
export type EndStatus = (typeof END_STATUSES)[number];

/** Mailed when neither the user nor the pipeline chose: a cancel is the user's own doing. */
export const DEFAULT_NOTIFY_STATUSES: readonly EndStatus[] = ["succeeded", "failed", "error"];

export const ZNotifyStatuses = z
  .array(z.enum(END_STATUSES))
  .max(END_STATUSES.length)
  .refine((list) => new Set(list).size === list.length, "each status at most once");

export function isEndStatus(status: string): status is EndStatus {
  return (END_STATUSES as readonly string[]).includes(status);
}

/** At most this many addresses from a config's notification field. */
export const MAX_CONFIG_ADDRESSES = 20;

const ZAddress = z.email().max(254);

/**
 * The addresses of a config's notification field: one address or a comma-separated list
 * (the old portal's `email`). Returns null when any of them is not an address.
 */
export function parseAddressList(value: unknown): string[] | null {
  if (typeof value !== "string") return null;
  const parts = value
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (parts.length === 0 || parts.length > MAX_CONFIG_ADDRESSES) return null;
  for (const part of parts) if (!ZAddress.safeParse(part).success) return null;
  return [...new Set(parts.map((p) => p.toLowerCase()))];
}

/** The value at a JSON Pointer of a parsed document, or undefined. */
export function valueAtPointer(document: unknown, pointer: string): unknown {
  let value = document;
  for (const segment of pointerSegments(pointer)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * The problem of a config whose notification field (the pipeline's `notify.emailField`)
 * holds something other than addresses; an absent or empty field is fine (nobody extra).
 */
export function checkNotifyAddresses(
  emailField: string,
  config: unknown,
): { path: string; message: string } | null {
  const value = valueAtPointer(config, emailField);
  if (value === undefined || value === null || value === "") return null;
  if (parseAddressList(value) !== null) return null;
  return {
    path: emailField,
    message: `must be e-mail addresses separated by commas (at most ${MAX_CONFIG_ADDRESSES})`,
  };
}
