import type { PipelineRow } from "@/db/schema";
import { workbookLayout } from "@/lib/spreadsheet/layout";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { checkPipelineConfig } from "../pipelines/check-pipeline-config";
import { configPipelineField, withConflict } from "../pipelines/config-pipeline-field";
import { configPathProblems } from "../pipelines/config-path-problems";
import { resolvePipeline } from "../pipelines/resolve-pipeline";
import { convertWorkbook, type SheetProblem } from "./convert-workbook";
import { dataSheets } from "./data-sheets";
import { openWorkbook, readCsv } from "./read-workbook";
import { TEMPLATE_FORMAT } from "./template-format";

/** A CSV, or a workbook: .xlsx, .ods and .xls are told apart by their content. */
export type SpreadsheetKind = "xlsx" | "ods" | "xls" | "csv";

export interface ParseSpreadsheetOptions {
  body: Buffer;
  kind: SpreadsheetKind;
  /** `name@version`; overrides the one the workbook's hidden sheet names. Required for CSV. */
  pipeline?: string;
  /** Values the file does not carry (the top-level fields, for a CSV of the samples). */
  base?: Record<string, unknown>;
}

/**
 * Problems (and warnings) listed at most: a 10 MB sheet of wrong cells has hundreds of
 * thousands, and copying, serialising and sending them all held the web's event loop for
 * 100 ms and more (docs/notes/fuzzing.md); nobody reads past the first ones.
 */
export const MAX_SHEET_PROBLEMS = 1000;

export interface ParsedSpreadsheet {
  pipeline: PipelineRow;
  config: Record<string, unknown>;
  /** The first MAX_SHEET_PROBLEMS problems, in sheet and cell order; empty when valid. */
  problems: SheetProblem[];
  /** How many problems there are in all (problems lists the first ones). */
  problemCount: number;
  /** What does not refuse the config (undeclared properties), with sheet and cell; the first ones. */
  warnings: SheetProblem[];
}

function cellOrder(problem: SheetProblem): [number, number] {
  const m = /!([A-Z]+)(\d+)$/.exec(problem.cell);
  if (!m) return [0, 0];
  const column = [...m[1]!].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  return [Number(m[2]), column];
}

/**
 * Reads an uploaded workbook or CSV into the config of the pipeline it names and
 * validates it with that pipeline's schema: every problem names its sheet and cell.
 * Throws 422 only when the file cannot be read at all or names no known pipeline.
 */
export async function parseSpreadsheet(
  ctx: Pick<AppContext, "db" | "caches" | "config">,
  options: ParseSpreadsheetOptions,
): Promise<ParsedSpreadsheet> {
  // A workbook's hidden sheet first: its sheets are read once the layout names them.
  const csv = options.kind === "csv" ? readCsv(options.body, "CSV") : undefined;
  const book = csv ? undefined : openWorkbook(options.body);
  const meta = book ?? { template: undefined, pipeline: undefined };
  if (meta.template !== undefined && meta.template !== TEMPLATE_FORMAT) {
    throw new AppError(
      "UNREADABLE_SPREADSHEET",
      `The workbook was made for template format "${meta.template}"; download a new template`,
    );
  }
  const reference = options.pipeline ?? meta.pipeline;
  if (!reference) {
    throw new AppError(
      "VALIDATION_FAILED",
      options.kind === "csv"
        ? "A CSV file does not name its pipeline: send it with pipeline=name@version"
        : "The workbook does not name its pipeline (its hidden _runport sheet is missing): start from a downloaded template or send pipeline=name@version",
      { errors: [{ path: "/pipeline", message: "is required" }] },
    );
  }
  const pipeline = await resolvePipeline(ctx, reference);
  const layout = workbookLayout(pipeline.schema);
  if (options.kind === "csv" && layout.tables.length !== 1) {
    throw new AppError(
      "VALIDATION_FAILED",
      `A CSV file holds one list of items, but ${pipeline.name}@${pipeline.version} has ${layout.tables.length === 0 ? "none" : `${layout.tables.length} (${layout.tables.map((t) => t.property).join(", ")})`}: use the .xlsx template`,
    );
  }
  const data = book ? book.read(dataSheets(book.sheetNames, layout)) : csv!;
  const converted = convertWorkbook(data, layout, options.base);
  // What is checked is exactly what will be stored: the config's JSON text, read back.
  const read = JSON.parse(JSON.stringify(converted.config)) as Record<string, unknown>;
  // The pipeline the upload names (pipeline=, or the hidden sheet) fills a missing field.
  const field = await configPipelineField(ctx, pipeline, read);
  const config = field.config;
  const check = checkPipelineConfig(ctx, pipeline, config);
  const located = (list: typeof check.errors) =>
    list
      .filter((p) => !converted.isReported(p.path))
      .map((p) => ({ ...converted.locate(p.path), path: p.path, message: p.message }));
  const schemaProblems = located(withConflict(field, check.errors));
  // The files named, once the rest is right (as for JSON), each at its cell.
  const pathProblems =
    converted.problems.length + schemaProblems.length > 0
      ? []
      : (await configPathProblems(ctx, pipeline, config)).map((p) => ({
          ...converted.locate(p.path),
          ...p,
        }));
  const sheetOrder = new Map(data.sheets.map((s, i) => [s.name, i]));
  const problems = [...converted.problems, ...schemaProblems, ...pathProblems].sort((a, b) => {
    const [ra, ca] = cellOrder(a);
    const [rb, cb] = cellOrder(b);
    const sa = sheetOrder.get(a.sheet) ?? -1;
    const sb = sheetOrder.get(b.sheet) ?? -1;
    return sa - sb || ra - rb || ca - cb;
  });
  return {
    pipeline,
    config,
    problems: problems.slice(0, MAX_SHEET_PROBLEMS),
    problemCount: problems.length,
    warnings: located(check.warnings).slice(0, MAX_SHEET_PROBLEMS),
  };
}
