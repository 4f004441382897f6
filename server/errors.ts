/**
 * The one error type of the server and its mapping to HTTP problem+json (RFC 9457).
 * Services throw AppError; route wrappers turn it into a response. Anything else is
 * a bug: it becomes a 500 with a generic message and is logged with its stack.
 */

export interface ProblemItem {
  /** JSON Pointer into the submitted document (or the request field). */
  path: string;
  message: string;
  line?: number;
  column?: number;
  sheet?: string;
  cell?: string;
}

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
  SERVICE_UNAVAILABLE: { status: 503, title: "Service unavailable" },
  INTERNAL: { status: 500, title: "Internal server error" },
} as const;

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

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: ProblemItem[];
}

/** Maps any thrown value to a problem document; unknown errors never leak their message. */
export function toProblem(error: unknown): { problem: Problem; headers: Record<string, string> } {
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

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
