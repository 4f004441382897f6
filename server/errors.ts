/**
 * The one error type of the server and its mapping to HTTP problem+json (RFC 9457).
 * Services throw AppError; route wrappers turn it into a response. What a caller sent is
 * parsed with parseWith, readJsonBody or parseQuery, which turn a zod failure into an
 * AppError (zodProblem: one problem item per issue at its JSON Pointer). Anything else is
 * a bug: it becomes a 500 with a generic message and is logged, a stray ZodError too (our
 * own `.parse()` of our own data failed: not the caller's 422).
 */
import type { z } from "zod";
import { toPointer } from "@/lib/json/parse-json";
import type { PROBLEM_CODES, Problem, ProblemItem } from "@/lib/contract/problem";

export type { Problem, ProblemItem };

export const ERROR_CODES = {
  /** The request is malformed in a way no other code names (bad query parameter, bad header). */
  BAD_REQUEST: { status: 400, title: "Bad request" },
  /** The body is not valid JSON; detail and errors carry line and column. */
  INVALID_JSON: { status: 400, title: "Malformed JSON" },
  /** No or wrong credentials. */
  UNAUTHORIZED: { status: 401, title: "Authentication required" },
  /** Authenticated, but the role or ownership does not allow it. */
  FORBIDDEN: { status: 403, title: "Forbidden" },
  NOT_FOUND: { status: 404, title: "Not found" },
  /** The state does not allow it (cancel a finished run, idempotency key reused with another body). */
  CONFLICT: { status: 409, title: "Conflict" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Payload too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  /** The document is well-formed but does not satisfy the pipeline's schema. */
  VALIDATION_FAILED: { status: 422, title: "Validation failed" },
  /** The upload is not a readable workbook (not a ZIP, encrypted, broken, a zip bomb, over a limit). */
  UNREADABLE_SPREADSHEET: { status: 422, title: "Unreadable spreadsheet" },
  /** The named pipeline or version does not exist. */
  UNKNOWN_PIPELINE: { status: 422, title: "Unknown pipeline" },
  /** Too many wrong passwords from this address or for this name: Retry-After says when to try again. */
  RATE_LIMITED: { status: 429, title: "Too many attempts" },
  /** MySQL or Redis does not answer (stopped, restarting, out of connections): retry later. */
  SERVICE_UNAVAILABLE: { status: 503, title: "Service unavailable" },
  INTERNAL: { status: 500, title: "Internal server error" },
} as const satisfies Record<(typeof PROBLEM_CODES)[number], { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: ProblemItem[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    detail: string,
    options: { errors?: ProblemItem[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** A zod issue as problem items: unknown keys at the key itself, one item each. */
function issueProblems(issue: z.core.$ZodIssue): ProblemItem[] {
  const path = issue.path.map((s) => (typeof s === "symbol" ? String(s) : s));
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: toPointer([...path, key]),
      message: "is not an allowed property",
    }));
  }
  // A record key that fails its pattern: the key's own message says what is allowed.
  if (issue.code === "invalid_key") {
    return [{ path: toPointer(path), message: issue.issues[0]?.message ?? issue.message }];
  }
  return [{ path: toPointer(path), message: issue.message }];
}

/**
 * A zod failure as an AppError: 422 for a body (400 with `code: "BAD_REQUEST"` for a
 * query string), one item per problem at its JSON Pointer, `locate` adding positions.
 */
export function zodProblem(
  error: z.ZodError,
  options: {
    code?: "VALIDATION_FAILED" | "BAD_REQUEST";
    subject?: string;
    locate?: (problems: ProblemItem[]) => ProblemItem[];
  } = {},
): AppError {
  const items = error.issues.flatMap(issueProblems);
  const errors = options.locate ? options.locate(items) : items;
  const summary = errors.map((e) => `${e.path || "the body"} ${e.message}`).join("; ");
  return new AppError(
    options.code ?? "VALIDATION_FAILED",
    `${options.subject ?? "The request"} is not valid: ${summary}`,
    { errors, cause: error },
  );
}

/** Parses a value with a zod schema (services called by the CLI too); 422 as zodProblem. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw zodProblem(parsed.error);
  return parsed.data;
}

/** Seconds a client is told to wait (Retry-After) when MySQL or Redis is away. */
export const UNAVAILABLE_RETRY_SECONDS = 5;

/** mysql2 and Node socket error codes that mean the database server is unreachable or went away. */
const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "POOL_CLOSED",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_QUERY_INTERRUPTED",
  "ER_CONNECTION_KILLED",
]);

/** ioredis and BullMQ messages of a Redis that does not answer (ioredis gives no codes). */
const REDIS_UNAVAILABLE = [
  /^Connection is closed/,
  /^Reached the max retries per request limit/,
  /^Stream isn't writeable/,
  /^Command timed out/,
  /^connect ETIMEDOUT/,
];

/**
 * Whether an error (or any error in its `cause` chain: drizzle wraps mysql2's) means
 * that MySQL or Redis is away rather than that the request or our code is wrong.
 */
export function isUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) return true;
    if ((e as { fatal?: unknown }).fatal === true) return true;
    if (e.name === "MaxRetriesPerRequestError") return true;
    const message = e.message;
    if (REDIS_UNAVAILABLE.some((pattern) => pattern.test(message))) return true;
    e = e.cause;
  }
  return false;
}

/** The 503 of a request that met an unavailable MySQL or Redis. */
export function unavailable(cause: unknown): AppError {
  return new AppError(
    "SERVICE_UNAVAILABLE",
    "The database or Redis does not answer at the moment. Try again in a few seconds (a submission retried with the same Idempotency-Key is never stored twice).",
    { headers: { "Retry-After": String(UNAVAILABLE_RETRY_SECONDS) }, cause },
  );
}

/** Maps any thrown value to a problem document; unknown errors never leak their message. */
export function toProblem(error: unknown): { problem: Problem; headers: Record<string, string> } {
  if (!(error instanceof AppError) && isUnavailable(error)) return toProblem(unavailable(error));
  if (error instanceof AppError) {
    const { status, title } = ERROR_CODES[error.code];
    const problem: Problem = {
      type: `urn:runport:problem:${error.code.toLowerCase().replace(/_/g, "-")}`,
      title,
      status,
      detail: error.message,
      code: error.code,
    };
    if (error.errors && error.errors.length > 0) problem.errors = error.errors;
    return { problem, headers: error.headers ?? {} };
  }
  return {
    problem: {
      type: "urn:runport:problem:internal",
      title: ERROR_CODES.INTERNAL.title,
      status: 500,
      detail: "Something went wrong on our side; the error was logged.",
      code: "INTERNAL",
    },
    headers: {},
  };
}
