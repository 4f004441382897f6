import type { PipelineRow } from "@/db/schema";
import { workbookLayout } from "@/lib/spreadsheet/layout";
import { validateWith } from "@/lib/schema/validate-config";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { getConfigValidator } from "../pipelines/get-config-validator";
import { configPathProblems } from "../pipelines/config-path-problems";
import { resolvePipeline } from "../pipelines/resolve-pipeline";
import { convertWorkbook, type SheetProblem } from "./convert-workbook";
import { readCsv, readXlsx } from "./read-workbook";
import { TEMPLATE_FORMAT } from "./template-format";

export type SpreadsheetKind = "xlsx" | "csv";

export interface ParseSpreadsheetOptions {
  body: Buffer;
  kind: SpreadsheetKind;
  /** `name@version`; overrides the one the workbook's hidden sheet names. Required for CSV. */
  pipeline?: string;
  /** Values the file does not carry (the top-level fields, for a CSV of the samples). */
  base?: Record<string, unknown>;
}

export interface ParsedSpreadsheet {
  pipeline: PipelineRow;
  config: Record<string, unknown>;
  /** Every problem, in sheet and cell order; empty when the config is valid. */
  problems: SheetProblem[];
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
  const data =
    options.kind === "xlsx" ? await readXlsx(options.body) : readCsv(options.body, "CSV");
  if (data.template !== undefined && data.template !== TEMPLATE_FORMAT) {
    throw new AppError(
      "UNREADABLE_SPREADSHEET",
      `The workbook was made for template format "${data.template}"; download a new template`,
    );
  }
  const reference = options.pipeline ?? data.pipeline;
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
  const converted = convertWorkbook(data, layout, options.base);
  // What is checked is exactly what will be stored: the config's JSON text, read back.
  const config = JSON.parse(JSON.stringify(converted.config)) as Record<string, unknown>;
  const schemaProblems = validateWith(getConfigValidator(ctx, pipeline), config)
    .filter((p) => !converted.isReported(p.path))
    .map((p) => ({ ...converted.locate(p.path), path: p.path, message: p.message }));
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
  return { pipeline, config, problems };
}
