/** The spreadsheet part of the HTTP contract: uploads and their conversion. */
import { z } from "zod";
import { ZProblemItem } from "./problem";

/** The text fields of a multipart upload (the query's `pipeline` included). */
export const ZUploadFields = z.strictObject({
  pipeline: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: "name@version (required for a CSV)" }),
  name: z
    .string()
    .max(255)
    .optional()
    .meta({ description: "The run's name (default: the config's project)" }),
  config: z.string().optional().meta({
    description: "A JSON object of the fields a CSV does not carry (project, email, ...)",
  }),
});

/** A multipart upload: the file and its optional fields. */
export const ZSpreadsheetUpload = ZUploadFields.extend({
  file: z.string().meta({ format: "binary", description: "The .xlsx, .ods, .xls or .csv file" }),
});

/** Query of the routes that take a spreadsheet. */
export const ZSpreadsheetQuery = z.object({
  pipeline: z.string().optional().meta({
    description:
      "For a spreadsheet body: the pipeline as name@version (overrides the workbook's own; required for CSV)",
  }),
});

export const ZConvertedSpreadsheet = z.object({
  pipeline: z.string().meta({ examples: ["fastq-qc@1.0.0"] }),
  config: z.record(z.string(), z.unknown()),
  problems: z.array(ZProblemItem).meta({
    description:
      "Each with its JSON Pointer into the config, its sheet and cell: the first 1000, in sheet and cell order",
  }),
  problemCount: z
    .number()
    .int()
    .min(0)
    .meta({ description: "How many problems the file has in all (problems lists the first 1000)" }),
  warnings: z.array(ZProblemItem).meta({
    description:
      "What does not refuse the config (properties its schema does not declare), located like problems",
  }),
});
export type ConvertedSpreadsheet = z.infer<typeof ZConvertedSpreadsheet>;
