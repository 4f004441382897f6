import type { z } from "zod";
import { parseJson, toPointer } from "@/lib/json/parse-json";
import { AppError, type ProblemItem } from "../errors";
import { decodeUtf8, readBody, requireJsonContentType } from "../http/read-body";

/** Account requests are a few short strings: anything larger than this is not one. */
export const ACCOUNT_BODY_LIMIT = 16 * 1024;

function problemsOf(error: z.ZodError): ProblemItem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((s) => (typeof s === "symbol" ? String(s) : s));
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: toPointer([...path, key]),
        message: "is not an allowed property",
      }));
    }
    return [{ path: toPointer(path), message: issue.message }];
  });
}

/**
 * Checks an account request against its zod schema: 422 with a JSON Pointer and a
 * message per problem. Services call it too, so the CLI gets the same rules as the API.
 */
export function parseAccountRequest<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = problemsOf(parsed.error);
  const summary = errors.map((e) => `${e.path || "the body"} ${e.message}`).join("; ");
  throw new AppError("VALIDATION_FAILED", `The request is not valid: ${summary}`, { errors });
}

/**
 * Reads the JSON body of an account route: 415 unless it is sent as JSON, 413 above
 * ACCOUNT_BODY_LIMIT, 400 (with line and column) when it is not JSON, 422 when it does
 * not match the schema.
 */
export async function readAccountRequest<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.infer<T>> {
  requireJsonContentType(request);
  const text = decodeUtf8(await readBody(request, ACCOUNT_BODY_LIMIT));
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    throw new AppError("INVALID_JSON", `${parsed.message} at line ${line}, column ${column}`, {
      errors: [{ path: "", message: parsed.message, line, column }],
    });
  }
  return parseAccountRequest(schema, parsed.value);
}
