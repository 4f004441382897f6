import { z } from "zod";
import { DUPLICATE_KEY_MESSAGE, parseJson, positionAt, toPointer } from "@/lib/json/parse-json";
import { locateAll, scanJson } from "@/lib/json/scan-json";
import { AppError, type ProblemItem } from "../errors";

const ZLabels = z
  .record(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,62}$/, "label keys: letters, digits, _ . / -"),
    z.string().max(255),
  )
  .refine((labels) => Object.keys(labels).length <= 50, "at most 50 labels");

/** Body of `POST /api/v1/runs`. Unknown keys are errors (a typo like "lables" must not pass). */
export const ZCreateRunRequest = z.strictObject({
  pipeline: z.string().min(1).max(200),
  config: z.record(z.string(), z.unknown()),
  name: z.string().max(255).nullish(),
  labels: ZLabels.optional(),
  hold: z.boolean().optional(),
  priority: z.number().int().min(0).max(100).optional(),
});
export type TCreateRunRequest = z.infer<typeof ZCreateRunRequest>;

/**
 * Body of `POST /api/v1/new-run/` (the old portal's contract): the body is the config
 * itself, names its pipeline in `pipeline` and its run name in `project`.
 */
export const ZLegacyRunRequest = z.looseObject({
  pipeline: z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? "is required: the pipeline as name@version"
          : "must be a string like name@1.2.0",
    })
    .min(1)
    .max(200),
  // Everything else, `project` included, is the pipeline schema's to judge.
});

/** A submitted JSON document: its text (to locate problems in) and its value. */
export interface SubmittedDocument {
  text: string;
  value: unknown;
}

/** The request reduced to what a run needs. */
export interface RunRequest {
  pipeline: string;
  config: unknown;
  /** The config's text exactly as submitted. */
  configText: string;
  /** Where the config sits in the document ("" or "/config"), for error paths. */
  configPointer: string;
  name: string | null;
  labels: Record<string, string>;
  hold: boolean;
  priority: number;
}

/** Adds line and column to problems (JSON Pointers into the document), in document order. */
export function withPositions(
  doc: SubmittedDocument,
  problems: (ProblemItem & { atKey?: boolean })[],
): ProblemItem[] {
  const places = locateAll(doc.text, problems);
  return problems
    .map(({ atKey: _, ...p }, i) => {
      const at = positionAt(doc.text, places[i]!.offset);
      return { ...p, line: at.line, column: at.column };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

function invalid(doc: SubmittedDocument, problems: ProblemItem[]): AppError {
  return new AppError("VALIDATION_FAILED", "The run request is not valid", {
    errors: withPositions(doc, problems),
  });
}

function zodProblems(error: z.ZodError): ProblemItem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((s) => (typeof s === "symbol" ? String(s) : s));
    // An unknown key is reported at the key itself, with its name.
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
  });
}

/** Parses the body: 400 with line and column when it is not JSON, 422 for a key given twice. */
export function parseDocument(text: string): SubmittedDocument {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    throw new AppError("INVALID_JSON", `${parsed.message} at line ${line}, column ${column}`, {
      errors: [{ path: "", message: parsed.message, line, column }],
    });
  }
  const doc = { text, value: parsed.value };
  const { duplicate } = scanJson(text);
  if (duplicate) {
    const { line, column } = positionAt(text, duplicate.offset);
    throw new AppError("VALIDATION_FAILED", "A property appears twice in one object", {
      errors: [
        {
          path: duplicate.pointer,
          message: DUPLICATE_KEY_MESSAGE,
          line,
          column,
        },
      ],
    });
  }
  return doc;
}

/** Reads either format's envelope; 422 (with positions) when it is not a run request. */
export function readRunRequest(doc: SubmittedDocument, format: "runs" | "legacy"): RunRequest {
  const body = doc.value;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid(doc, [{ path: "", message: "must be a JSON object" }]);
  }
  if (format === "legacy") {
    const parsed = ZLegacyRunRequest.safeParse(body);
    if (!parsed.success) throw invalid(doc, zodProblems(parsed.error));
    return {
      pipeline: parsed.data.pipeline,
      config: body,
      configText: doc.text,
      configPointer: "",
      // The old portal named runs after the project (when it is a usable name).
      name:
        typeof parsed.data.project === "string" && parsed.data.project.length <= 255
          ? parsed.data.project
          : null,
      labels: {},
      hold: false,
      priority: 0,
    };
  }
  const parsed = ZCreateRunRequest.safeParse(body);
  if (!parsed.success) throw invalid(doc, zodProblems(parsed.error));
  const config = scanJson(doc.text, ["/config"]).spans.get("/config");
  const configText = config
    ? doc.text.slice(config.offset, config.offset + config.length)
    : JSON.stringify(parsed.data.config);
  return {
    pipeline: parsed.data.pipeline,
    config: parsed.data.config,
    configText,
    configPointer: "/config",
    name: parsed.data.name ?? null,
    labels: parsed.data.labels ?? {},
    hold: parsed.data.hold ?? false,
    priority: parsed.data.priority ?? 0,
  };
}
