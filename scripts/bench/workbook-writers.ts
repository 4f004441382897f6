// (g) The 10,000-row fastq-qc workbook as each program writes it, read + converted +
// validated in a fresh process by the server's reader (SheetJS) and by the exceljs
// reader it replaced: time and extra RSS, worst of 2 runs each.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SSCONVERT, SYSTEM_PYTHON } from "../ops/fixture-writers";
import { BIG_ROWS, bigWorkbook, parseInChild, type ParseRun, type Reader } from "./spreadsheet";

const RUNS = 2;
const SOFFICE = ["/usr/bin/soffice", "/usr/bin/libreoffice"].find((p) => existsSync(p));

interface Outcome {
  /** Worst of the runs; undefined when the reader refused or failed on the file. */
  ms?: number;
  extraRssBytes?: number;
  error?: string;
}

export interface WriterFigures {
  writer: string;
  bytes?: number;
  /** Why the file could not be made here (a program not installed). */
  skipped?: string;
  sheetjs?: Outcome;
  exceljs?: Outcome;
}

function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 300_000 });
  return result.status === 0 ? undefined : `${path.basename(command)} exited ${result.status}`;
}

/** Writes the workbook with each program; returns the files made (or why not). */
function writeAll(
  dir: string,
  source: string,
): { writer: string; file?: string; skipped?: string }[] {
  const at = (name: string) => path.join(dir, name);
  const openpyxl = run(SYSTEM_PYTHON, [
    "-c",
    "import openpyxl, sys; openpyxl.load_workbook(sys.argv[1]).save(sys.argv[2])",
    source,
    at("openpyxl.xlsx"),
  ]);
  const gnumeric = (type: string, name: string) =>
    existsSync(SSCONVERT)
      ? run(SSCONVERT, ["--export-type", type, source, at(name)])
      : "ssconvert not installed";
  const libreoffice = SOFFICE
    ? run(SOFFICE, [
        "--headless",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        at("lo"),
        source,
      ])
    : "LibreOffice not installed";
  const made = (writer: string, file: string, skipped: string | undefined) =>
    skipped ? { writer, skipped } : { writer, file };
  return [
    made("exceljs (the template)", source, undefined),
    made("openpyxl .xlsx", at("openpyxl.xlsx"), openpyxl),
    made("LibreOffice .xlsx", path.join(at("lo"), path.basename(source)), libreoffice),
    made("Gnumeric .xlsx", at("gnumeric.xlsx"), gnumeric("Gnumeric_Excel:xlsx2", "gnumeric.xlsx")),
    made("Gnumeric .ods", at("gnumeric.ods"), gnumeric("Gnumeric_OpenCalc:odf", "gnumeric.ods")),
    made(
      "Gnumeric .xls",
      at("gnumeric.xls"),
      gnumeric("Gnumeric_Excel:excel_biff8", "gnumeric.xls"),
    ),
  ];
}

async function measure(file: string, reader: Reader): Promise<Outcome> {
  const runs: ParseRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    try {
      const one = await parseInChild(file, reader);
      if (one.dataFiles !== BIG_ROWS || one.problems > 0) {
        return { error: `read ${one.dataFiles} rows with ${one.problems} problems` };
      }
      runs.push(one);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }
  return {
    ms: Math.max(...runs.map((r) => r.ms)),
    extraRssBytes: Math.max(...runs.map((r) => r.extraRssBytes)),
  };
}

export async function measureWriters(outDir: string): Promise<WriterFigures[]> {
  const dir = path.join(outDir, "writers");
  mkdirSync(dir, { recursive: true });
  const source = path.join(dir, `fastq-qc-${BIG_ROWS}-rows.xlsx`);
  writeFileSync(source, await bigWorkbook());
  const figures: WriterFigures[] = [];
  for (const { writer, file, skipped } of writeAll(dir, source)) {
    if (!file || skipped) {
      figures.push({ writer, skipped: skipped ?? "not made" });
      continue;
    }
    figures.push({
      writer,
      bytes: statSync(file).size,
      sheetjs: await measure(file, "sheetjs"),
      exceljs: file.endsWith(".xlsx") ? await measure(file, "exceljs") : { error: "not read" },
    });
  }
  return figures;
}

function cell(outcome: Outcome | undefined): string {
  if (!outcome) return "";
  if (outcome.error) return `— (${outcome.error.split("\n")[0]!.slice(0, 60)})`;
  return `${outcome.ms!.toFixed(0)} ms, ${(outcome.extraRssBytes! / 1e6).toFixed(0)} MB`;
}

/** The table rows of (g), as main.ts prints them: SheetJS | exceljs per writer. */
export function writerRows(figures: WriterFigures[]): string[][] {
  return figures.map((f) =>
    f.skipped
      ? [`(g) ${BIG_ROWS}-row workbook by ${f.writer}`, "skipped", f.skipped]
      : [
          `(g) ${BIG_ROWS}-row workbook by ${f.writer} (${((f.bytes ?? 0) / 1e6).toFixed(1)} MB), SheetJS`,
          cell(f.sheetjs),
          `exceljs: ${cell(f.exceljs)}`,
        ],
  );
}
