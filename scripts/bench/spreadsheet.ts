import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compileSchema, validateWith } from "@/lib/schema/validate-config";
import { workbookLayout } from "@/lib/spreadsheet/layout";
import { buildTemplate } from "@/server/spreadsheets/build-template";
import { convertWorkbook } from "@/server/spreadsheets/convert-workbook";
import { dataSheets } from "@/server/spreadsheets/data-sheets";
import { readWorkbook } from "@/server/spreadsheets/read-workbook";
import { readXlsxWithExceljs } from "./read-with-exceljs";
import { median } from "./stats";

/** The workbook reader a child measures: the server's (SheetJS) or the old exceljs one. */
export type Reader = "sheetjs" | "exceljs";

/** What one child process reports on its last stdout line. */
export interface ParseRun {
  ms: number;
  extraRssBytes: number;
  dataFiles: number;
  problems: number;
}

const PIPELINE_DIR = path.resolve("pipelines/fastq-qc");
const SELF = path.resolve("scripts/bench/spreadsheet.ts");
const PARSE_FLAG = "--parse-child";
const ROWS = 10_000;

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(PIPELINE_DIR, file), "utf8")) as T;
}

function readFastqQc() {
  const { name, version } = readJson<{ name: string; version: string }>("pipeline.json");
  const schema = readJson<Record<string, unknown>>("schema.json");
  const example = readJson<Record<string, unknown>>("example.json");
  return { name, version, schema, example };
}

/** The example with `rows` dataFiles: paired R1/R2 files of samples s00001, s00002, … */
function bigExample(example: Record<string, unknown>, rows: number) {
  const dataFiles = Array.from({ length: rows }, (_, i) => {
    const n = Math.floor(i / 2);
    const sample = `s${String(n + 1).padStart(5, "0")}`;
    const read = i % 2 === 0 ? "R1" : "R2";
    return {
      fastqPath: `data/run${(n % 40) + 1}/${sample}_${read}.fastq.gz`,
      fastqCode: read,
      sampleName: sample,
      rgsm: sample,
      rglb: `lib${(n % 97) + 1}`,
      rgpu: `HRP${String(n % 13).padStart(2, "0")}AAXX.${(n % 8) + 1}`,
      rgpl: "ILLUMINA",
    };
  });
  return { ...example, dataFiles };
}

/** Linux: resets the peak-RSS mark so maxRSS covers only what follows (else an upper bound). */
function resetPeakRss(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux or not allowed: the figure includes any earlier peak, which only overstates.
  }
}

/** In the child: the measured parse of the workbook at `file`, reported as one JSON line. */
async function parseChild(file: string, reader: Reader): Promise<void> {
  const body = readFileSync(file);
  const { schema } = readFastqQc();
  const layout = workbookLayout(schema);
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  resetPeakRss();
  let sampled = rssBefore;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 10);
  const start = performance.now();
  const data =
    reader === "exceljs"
      ? await readXlsxWithExceljs(body)
      : readWorkbook(body, (names) => dataSheets(names, layout));
  const converted = convertWorkbook(data, layout);
  const problems = validateWith(compileSchema(schema), converted.config);
  const ms = performance.now() - start;
  clearInterval(timer);
  const peak = Math.max(sampled, process.resourceUsage().maxRSS * 1024);
  const dataFiles = converted.config.dataFiles;
  const run: ParseRun = {
    ms,
    extraRssBytes: peak - rssBefore,
    dataFiles: Array.isArray(dataFiles) ? dataFiles.length : 0,
    problems: converted.problems.length + problems.length,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

/** A fresh node (with tsx) per run, so its memory holds nothing but this parse. */
export async function parseInChild(file: string, reader: Reader = "sheetjs"): Promise<ParseRun> {
  const args = ["--expose-gc", "--import", "tsx", SELF, PARSE_FLAG, file, reader];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    let reason: string | undefined;
    try {
      reason = (JSON.parse(out.trim().split("\n").pop() ?? "") as { error?: string }).error;
    } catch {
      // No reason printed: the exit code says it.
    }
    throw new Error(reason ?? `The spreadsheet parse child exited with code ${code}`);
  }
  return JSON.parse(out.trim().split("\n").pop() ?? "") as ParseRun;
}

/** The 10,000-row fastq-qc workbook as the template writer (exceljs) makes it. */
export async function bigWorkbook(): Promise<Buffer> {
  const { name, version, schema, example } = readFastqQc();
  return buildTemplate({ name, version, schema, prefill: bigExample(example, ROWS) });
}

export const BIG_ROWS = ROWS;

/** (e) Parse and validate a 10,000-row fastq-qc workbook; build the blank template. */
export async function measureSpreadsheet(outDir: string) {
  const { name, version, schema, example } = readFastqQc();
  const buildStart = performance.now();
  const workbook = await buildTemplate({
    name,
    version,
    schema,
    prefill: bigExample(example, ROWS),
  });
  const buildMs = performance.now() - buildStart;
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `fastq-qc-${ROWS}-rows.xlsx`);
  writeFileSync(file, workbook);
  const runs: ParseRun[] = [];
  for (let i = 0; i < 3; i++) runs.push(await parseInChild(file));
  for (const run of runs) {
    if (run.dataFiles !== ROWS || run.problems > 0) {
      throw new Error(`The ${ROWS}-row workbook parsed wrong: ${JSON.stringify(run)}`);
    }
  }
  let bytes = 0;
  for (let i = 0; i < 3; i++) await buildTemplate({ name, version, schema }); // warm up
  const templateMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    bytes = (await buildTemplate({ name, version, schema })).length;
    templateMs.push(performance.now() - start);
  }
  const extra = runs.map((r) => r.extraRssBytes);
  return {
    parse: {
      dataFiles: ROWS,
      workbookBytes: workbook.length,
      /** Building the workbook once, before measuring (not a target). */
      buildMs,
      /** readWorkbook + convertWorkbook + compileSchema/validateWith, one fresh process each. */
      runsMs: runs.map((r) => r.ms),
      p50: median(runs.map((r) => r.ms)),
      /** Peak RSS minus RSS just before the parse, per run. */
      extraRssBytes: extra,
      maxExtraRssBytes: Math.max(...extra),
    },
    template: { bytes, runsMs: templateMs, p50: median(templateMs) },
  };
}

type SpreadsheetFigures = Awaited<ReturnType<typeof measureSpreadsheet>>;

/** The table rows of (e), as main.ts prints them. */
export function spreadsheetRows(figures: SpreadsheetFigures): string[][] {
  const { parse, template } = figures;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return [
    ["(e) fastq-qc workbook of 10,000 dataFiles rows", `${parse.workbookBytes} B`, ""],
    [
      "(e) read + convert + validate it, median of 3",
      `${parse.p50.toFixed(0)} ms`,
      "target ≤ 2000 ms",
    ],
    ["(e) extra RSS while parsing, max of 3", mb(parse.maxExtraRssBytes), "target ≤ 300 MB"],
    [
      "(e) blank fastq-qc template, median of 20",
      `${template.p50.toFixed(0)} ms`,
      "target ≤ 300 ms",
    ],
  ];
}

/** The line under the table: every run, and what building the big workbook took. */
export function spreadsheetDetail(figures: SpreadsheetFigures): string {
  const { parse, template } = figures;
  const ms = (xs: number[]) => xs.map((n) => n.toFixed(0)).join(", ");
  const mb = parse.extraRssBytes.map((n) => (n / 1e6).toFixed(0)).join(", ");
  return `(e) parse runs: ${ms(parse.runsMs)} ms, extra RSS ${mb} MB (each in a fresh process); workbook built in ${parse.buildMs.toFixed(0)} ms; template ${template.bytes} B, runs ${ms(template.runsMs)} ms`;
}

if (process.argv[2] === PARSE_FLAG && process.argv[3]) {
  parseChild(process.argv[3], process.argv[4] === "exceljs" ? "exceljs" : "sheetjs").catch(
    (error: unknown) => {
      // The reason on stdout for the parent's table (a reader that refuses the file).
      const message = error instanceof Error ? error.message : String(error);
      process.stdout.write(`${JSON.stringify({ error: message.slice(0, 200) })}\n`, () =>
        process.exit(1),
      );
    },
  );
}
