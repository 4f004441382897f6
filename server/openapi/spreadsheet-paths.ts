/**
 * The spreadsheet parts of the OpenAPI document: the request bodies that POST /runs and
 * /new-run/ accept besides JSON, the template download and the convert route.
 */
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

import { problem } from "./problem";

/** A workbook or CSV as the body, or as multipart `file` with optional fields. */
export const spreadsheetBodies = {
  [XLSX]: {
    schema: { type: "string", format: "binary" },
    description:
      "A filled-in template (the pipeline comes from its hidden `_runport` sheet, or `?pipeline=`)",
  },
  "text/csv": {
    schema: { type: "string" },
    description: "The samples sheet as CSV; needs `?pipeline=name@version`",
  },
  "multipart/form-data": {
    schema: { $ref: "#/components/schemas/SpreadsheetUpload" },
  },
} as const;

export const spreadsheetQuery = {
  name: "pipeline",
  in: "query",
  schema: { type: "string" },
  description:
    "For a spreadsheet body: the pipeline as name@version (overrides the workbook's own; required for CSV)",
} as const;

export const spreadsheetProblems =
  "Spreadsheet bodies: every problem names its sheet and cell (`errors[].cell`, e.g. `dataFiles!B4`) and its JSON Pointer; an unreadable file (not an .xlsx, encrypted, a broken ZIP, a zip bomb, over a sheet/row/column limit) is a 422 `unreadable-spreadsheet`.";

export const spreadsheetPaths = {
  "/api/v1/pipelines/{name}/template.xlsx": {
    get: {
      tags: ["pipelines"],
      summary: "The spreadsheet template of a pipeline version",
      description:
        "Generated from the version's schema: README, a `Run` sheet (one row per top-level field), one sheet per array of objects (one column per property, one row per item), dropdowns for enums and booleans, and a hidden `_runport` sheet naming pipeline@version. `curl --user USER:TOKEN -OJ https://runport.example/api/v1/pipelines/fastq-qc/template.xlsx`",
      parameters: [
        { name: "name", in: "path", required: true, schema: { type: "string" } },
        {
          name: "version",
          in: "query",
          schema: { type: "string" },
          description: "Exact, latest (default) or dev",
        },
        {
          name: "example",
          in: "query",
          schema: { type: "boolean" },
          description: "Prefill the sheets with the pipeline's example",
        },
      ],
      responses: {
        "200": {
          description: "The .xlsx file, as an attachment",
          content: { [XLSX]: { schema: { type: "string", format: "binary" } } },
        },
        "401": problem("No or wrong credentials"),
        "404": problem("No such pipeline or version"),
      },
    },
  },
  "/api/v1/spreadsheets/convert": {
    post: {
      tags: ["runs"],
      summary: "Read a spreadsheet into a config for review (stores nothing)",
      description:
        "What the new-run page calls when a spreadsheet is uploaded: the config the file becomes (as far as it can be read) and every problem with its cell. `config` (a JSON object) supplies the fields a CSV does not carry.",
      parameters: [spreadsheetQuery],
      requestBody: { required: true, content: spreadsheetBodies },
      responses: {
        "200": {
          description: "The pipeline, the config, and the problems (empty when it is valid)",
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/ConvertedSpreadsheet" } },
          },
        },
        "400": problem("A multipart form without `file`, with unknown fields or bad `config` JSON"),
        "401": problem("No or wrong credentials"),
        "413": problem("The file is larger than MAX_BODY_BYTES"),
        "422": problem("The file cannot be read, or it names no known pipeline"),
      },
    },
  },
} as const;

export const spreadsheetSchemas = {
  SpreadsheetUpload: {
    type: "object",
    required: ["file"],
    properties: {
      file: { type: "string", format: "binary", description: "The .xlsx or .csv file" },
      pipeline: { type: "string", description: "name@version (required for a CSV)" },
      name: { type: "string", description: "The run's name (default: the config's project)" },
      config: {
        type: "string",
        description: "A JSON object of the fields a CSV does not carry (project, email, ...)",
      },
    },
  },
  ConvertedSpreadsheet: {
    type: "object",
    required: ["pipeline", "config", "problems"],
    properties: {
      pipeline: { type: "string", examples: ["fastq-qc@1.0.0"] },
      config: { type: "object" },
      problems: {
        type: "array",
        items: {
          type: "object",
          required: ["path", "message"],
          properties: {
            path: { type: "string", description: "JSON Pointer into the config" },
            message: { type: "string" },
            sheet: { type: "string" },
            cell: { type: "string", examples: ["dataFiles!B4"] },
          },
        },
      },
    },
  },
} as const;
