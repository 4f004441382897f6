/** The server's problem+json answers (RFC 9457), read and printed for a person. */
import type { Problem, ProblemItem } from "../../lib/contract/problem";
import { CliError, EXIT } from "./exit-codes";

/** A 4xx/5xx answer of the API, with the problem document when it sent one. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem> | null,
    readonly retryAfter: number | null,
  ) {
    super(problemText(status, problem), status >= 500 ? EXIT.network : EXIT.refused);
  }
}

/** Where a problem is in the submitted document: cell, line:column, or only the pointer. */
export function locate(item: ProblemItem): string {
  if (item.cell) return item.cell;
  if (item.line !== undefined) return `line ${item.line}, column ${item.column ?? 1}`;
  return item.path === "" ? "(document)" : item.path;
}

/** The lines printed for a problem: the detail, then one line per located error. */
export function problemText(status: number, problem: Partial<Problem> | null): string {
  const head = problem?.detail ?? problem?.title ?? `HTTP ${status}`;
  const lines = [`error: ${head} (${status}${problem?.code ? ` ${problem.code}` : ""})`];
  for (const item of problem?.errors ?? []) {
    const where = locate(item);
    const pointer = where === item.path || item.path === "" ? "" : ` ${item.path}`;
    lines.push(`  ${where}:${pointer} ${item.message}`);
  }
  return lines.join("\n");
}

/**
 * The envelope the client wraps a JSON file in puts the file's text after a one-line prefix:
 * its problems point into the file again once `/config` is dropped from the pointer and the
 * prefix from the first line's columns.
 */
export function unwrapEnvelopeProblem(
  problem: Partial<Problem> | null,
  prefixLength: number,
): Partial<Problem> | null {
  if (!problem?.errors) return problem;
  const errors = problem.errors.map((item) => {
    if (item.path !== "/config" && !item.path.startsWith("/config/")) return item;
    const moved: ProblemItem = { ...item, path: item.path.slice("/config".length) };
    if (moved.line === 1 && moved.column !== undefined) {
      moved.column = Math.max(1, moved.column - prefixLength);
    }
    return moved;
  });
  return { ...problem, errors };
}
