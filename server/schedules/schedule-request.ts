import { z } from "zod";
import { toPointer } from "@/lib/json/parse-json";
import { scanJson } from "@/lib/json/scan-json";
import { MISSED_POLICIES } from "@/lib/contract/schedules";
import { AppError, type ProblemItem } from "../errors";
import { decodeUtf8, readBody, requireJsonContentType } from "../http/read-body";
import { parseDocument, withPositions, type SubmittedDocument } from "../runs/read-run-request";

const fields = {
  name: z
    .string({ error: "is required: a name for the schedule" })
    .trim()
    .min(1, "is required: a name for the schedule")
    .max(255, "must be at most 255 characters"),
  pipeline: z
    .string({ error: "is required: the pipeline as name@version or name@latest" })
    .min(1, "is required: the pipeline as name@version or name@latest")
    .max(200),
  config: z.record(z.string(), z.unknown(), {
    error: (issue) =>
      issue.input === undefined
        ? "is required: the config of every run, a JSON object"
        : "must be a JSON object",
  }),
  cron: z
    .string({ error: "is required: a cron expression such as 0 9 * * 1-5" })
    .max(120, "must be at most 120 characters"),
  timeZone: z
    .string({ error: "must be a time zone name such as Europe/Paris" })
    .min(1, "must be a time zone name such as Europe/Paris")
    .max(64, "must be at most 64 characters"),
  enabled: z.boolean({ error: "must be true or false" }),
  missedPolicy: z.enum(MISSED_POLICIES, { error: 'must be "skip" or "run_once"' }),
};

/** Body of `POST /api/v1/schedules`. Unknown keys are errors. */
export const ZCreateScheduleRequest = z.strictObject({
  ...fields,
  timeZone: fields.timeZone.default("UTC"),
  enabled: fields.enabled.default(true),
  missedPolicy: fields.missedPolicy.default("skip"),
});
export type TCreateScheduleRequest = z.infer<typeof ZCreateScheduleRequest>;

/** Body of `PATCH /api/v1/schedules/{id}`: any of the fields. */
export const ZUpdateScheduleRequest = z.strictObject(fields).partial();
export type TUpdateScheduleRequest = z.infer<typeof ZUpdateScheduleRequest>;

/** A parsed schedule request: its values, the document (to locate problems) and the config text. */
export interface ScheduleRequest<T> {
  value: T;
  doc: SubmittedDocument;
  /** The config's text exactly as sent (stored as is), when the body has one. */
  configText: string | undefined;
}

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
 * Parses a schedule body: 400 with line and column when it is not JSON, 422 (with
 * JSON Pointers and positions) when it does not match the schema.
 */
export function parseScheduleRequest<T extends z.ZodType>(
  bodyText: string,
  schema: T,
): ScheduleRequest<z.infer<T>> {
  const doc = parseDocument(bodyText);
  const body = doc.value;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("VALIDATION_FAILED", "The schedule request is not valid", {
      errors: withPositions(doc, [{ path: "", message: "must be a JSON object" }]),
    });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const errors = withPositions(doc, problemsOf(parsed.error));
    const summary = errors.map((e) => `${e.path || "the body"} ${e.message}`).join("; ");
    throw new AppError("VALIDATION_FAILED", `The schedule request is not valid: ${summary}`, {
      errors,
    });
  }
  const span = "config" in body ? scanJson(doc.text, ["/config"]).spans.get("/config") : undefined;
  const configText = span ? doc.text.slice(span.offset, span.offset + span.length) : undefined;
  return { value: parsed.data, doc, configText };
}

/** Reads a schedule route's JSON body: 415 unless JSON, 413 above the body limit, 400 if not UTF-8. */
export async function readScheduleBody(request: Request, limit: number): Promise<string> {
  requireJsonContentType(request);
  return decodeUtf8(await readBody(request, limit));
}
