/** A lone UTF-16 surrogate (half of a pair without its other half). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The string with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed,
 * which TypeScript's lib here does not declare): such text is valid in JSON as an escape,
 * but MariaDB's `json_valid` and `encodeURIComponent` refuse it.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD");
}
