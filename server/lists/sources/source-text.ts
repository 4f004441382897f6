/** What a source gave: its text, or "not modified" (HTTP 304) with the validators to keep. */
export type SourceText =
  | { notModified: false; text: string; etag: string | null; lastModified: string | null }
  | { notModified: true };

/** The limits every source is read under (LIST_SOURCE_* in server/env.ts). */
export interface SourceLimits {
  maxBytes: number;
  timeoutMs: number;
}
