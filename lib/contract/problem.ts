/** The problem+json document (RFC 9457) every error of the API answers with. */
import { z } from "zod";

/** Every `code` a problem can carry; server/errors.ts maps each to its HTTP status. */
export const PROBLEM_CODES = [
  "BAD_REQUEST",
  "INVALID_JSON",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "VALIDATION_FAILED",
  "UNREADABLE_SPREADSHEET",
  "UNKNOWN_PIPELINE",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  "INTERNAL",
] as const;

export const ZProblemItem = z.object({
  path: z.string().meta({
    description: "JSON Pointer into the submitted document",
    examples: ["/dataFiles/0/fastqCode"],
  }),
  message: z.string().meta({ examples: ['must be one of "R1", "R2"'] }),
  line: z.number().int().optional().meta({ description: "1-based line in the submitted text" }),
  column: z.number().int().optional().meta({ description: "1-based column in the submitted text" }),
  sheet: z.string().optional().meta({ description: "Workbook submissions: the sheet" }),
  cell: z.string().optional().meta({ description: "Workbook submissions: the cell, e.g. C4" }),
});
export type ProblemItem = z.infer<typeof ZProblemItem>;

export const ZProblem = z
  .object({
    type: z.string().meta({ examples: ["urn:runport:problem:validation-failed"] }),
    title: z.string().meta({ examples: ["Validation failed"] }),
    status: z
      .number()
      .int()
      .meta({ examples: [422] }),
    detail: z.string().meta({
      examples: ["The config does not match the schema of fastq-qc@1.0.0: 1 problem"],
    }),
    code: z.enum(PROBLEM_CODES),
    errors: z.array(ZProblemItem).optional(),
  })
  .meta({
    description:
      "RFC 9457 problem details. `errors` locates each problem in the submitted document.",
  });
export type Problem = z.infer<typeof ZProblem>;
