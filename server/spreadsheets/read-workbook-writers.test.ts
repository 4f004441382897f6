import { readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { workbookLayout } from "@/lib/spreadsheet/layout";
import { readXlsxWithExceljs } from "@/scripts/bench/read-with-exceljs";
import { convertWorkbook } from "./convert-workbook";
import { dataSheets } from "./data-sheets";
import { openWorkbook, readCsv, readWorkbook } from "./read-workbook";
import { TEMPLATE_FORMAT } from "./template-format";

// Files written by real programs (scripts/fixtures/fill-with-openpyxl.py): openpyxl
// 3.0.9, and Gnumeric 1.12.55's ssconvert re-saving openpyxl's file as .xlsx, .ods, .xls.

type Json = Record<string, unknown>;
const ROOT = path.join(import.meta.dirname, "../..");
const fixture = (name: string) => readFileSync(path.join(ROOT, "test/fixtures/workbooks", name));
const SCHEMA = JSON.parse(
  readFileSync(path.join(ROOT, "pipelines/fastq-qc/schema.json"), "utf8"),
) as Json;
const LAYOUT = workbookLayout(SCHEMA);
const EXPECTED = JSON.parse(
  readFileSync(
    path.join(ROOT, "server/spreadsheets/fixtures/libreoffice-filled.expected.json"),
    "utf8",
  ),
) as Json;

const WRITERS = [
  "openpyxl-filled.xlsx",
  "gnumeric-filled.xlsx",
  "gnumeric-filled.ods",
  "gnumeric-filled.xls",
];

const readData = (body: Buffer) => readWorkbook(body, (names) => dataSheets(names, LAYOUT));

describe("workbooks filled by openpyxl and re-saved by Gnumeric", () => {
  it.each(WRITERS)("%s converts to exactly the typed-in example", (file) => {
    const data = readData(fixture(file));
    expect(data.pipeline).toBe("fastq-qc@1.0.0");
    expect(data.template).toBe(TEMPLATE_FORMAT);
    // Only the sheets holding data are read: not README, not the hidden one.
    expect(data.sheets.map((s) => s.name)).toEqual(["Run", "dataFiles"]);
    const converted = convertWorkbook(data, LAYOUT);
    expect(converted.problems).toEqual([]);
    expect(converted.config).toEqual(EXPECTED);
  });

  it.each(["xlsx", "ods", "xls"] as const)("tells a Gnumeric .%s by its content", (format) => {
    expect(openWorkbook(fixture(`gnumeric-filled.${format}`)).format).toBe(format);
  });

  it("reads Gnumeric's CSV export of the samples sheet", () => {
    const { dataFiles, ...base } = EXPECTED;
    const converted = convertWorkbook(
      readCsv(fixture("gnumeric-samples.csv"), "CSV"),
      LAYOUT,
      base,
    );
    expect(converted.problems).toEqual([]);
    expect(converted.config).toEqual({ ...base, dataFiles });
  });

  it(
    "were refused by the exceljs reader (the bug this reader fixes)",
    { timeout: 20_000 },
    async () => {
      await expect(readXlsxWithExceljs(fixture("openpyxl-filled.xlsx"))).rejects.toThrow(
        "Cannot read properties of undefined (reading 'comments')",
      );
      await expect(readXlsxWithExceljs(fixture("gnumeric-filled.xlsx"))).rejects.toThrow(
        'The sheet "README" has cells beyond column 200',
      );
    },
  );

  it("ignores a dimension tag that lies and styled empty cells beyond the data", () => {
    // Gnumeric writes <dimension ref="A1:XFD5001"/> and styles 16,384 columns.
    const data = readWorkbook(fixture("gnumeric-filled.xlsx"));
    const widths = data.sheets.map((s) => Math.max(...s.rows.map((r) => r.length)));
    expect(data.sheets.map((s) => s.name)).toEqual(["README", "Run", "dataFiles"]);
    expect(widths[2]).toBe(7);
    expect(data.sheets[2]!.rows).toHaveLength(5);
  });
});

describe("mistakes in real writers' files, at their cells", () => {
  const runB7 = {
    sheet: "Run",
    cell: "Run!B7",
    path: "/minQuality",
    message: 'expected a whole number, got "high"',
  };
  const divideByZero = {
    sheet: "dataFiles",
    cell: "dataFiles!C4",
    path: "/dataFiles/2/sampleName",
    message: "the cell holds the error #DIV/0!",
  };

  it.each(["gnumeric-mistakes.xlsx", "gnumeric-mistakes.ods", "gnumeric-mistakes.xls"])(
    "%s: the word for a number and the formula error",
    (file) => {
      const converted = convertWorkbook(readData(fixture(file)), LAYOUT);
      expect(converted.problems).toEqual([runB7, divideByZero]);
      const files = converted.config.dataFiles as Json[];
      expect(files[0]!.fastqCode).toBe("R3");
      expect(files[1]!.rglb).toBeUndefined();
      expect(converted.locate("/dataFiles/0/fastqCode")).toEqual({
        sheet: "dataFiles",
        cell: "dataFiles!B2",
      });
    },
  );

  it("openpyxl's formula without a saved result reads as an empty cell at its place", () => {
    const converted = convertWorkbook(readData(fixture("openpyxl-mistakes.xlsx")), LAYOUT);
    expect(converted.problems).toEqual([runB7]);
    const files = converted.config.dataFiles as Json[];
    expect(files[2]!.sampleName).toBeUndefined();
    expect(converted.locate("/dataFiles/2/sampleName")).toEqual({
      sheet: "dataFiles",
      cell: "dataFiles!C4",
    });
  });
});

describe("cell values from every writer", () => {
  const date = new Date(Date.UTC(2024, 2, 1));
  const dateTime = new Date(Date.UTC(2024, 2, 1, 12, 30));
  const kinds = (formula: unknown) => [
    ["kind", "value"],
    ["date", date],
    ["datetime", dateTime],
    ["true", true],
    ["false", false],
    ["text number", "007"],
    ["integer", 42],
    ["decimal", 0.125],
    formula === undefined ? ["formula"] : ["formula", formula],
    ["text", "sample1"],
  ];

  it.each([
    ["openpyxl-cell-kinds.xlsx", undefined],
    ["gnumeric-cell-kinds.xlsx", 84],
    ["gnumeric-cell-kinds.ods", 84],
    ["gnumeric-cell-kinds.xls", 84],
  ])("%s gives dates (UTC), booleans, text and numbers as exceljs did", (file, formula) => {
    const data = readWorkbook(fixture(file), () => ["Kinds"]);
    expect(data.sheets).toHaveLength(1);
    expect(data.sheets[0]!.rows).toEqual(kinds(formula));
  });

  it("reads exceljs's rich text, hyperlinks, errors and formula results as exceljs did", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Run");
    sheet.getCell("A1").value = {
      richText: [{ text: "sam", font: { bold: true } }, { text: "ple1" }],
    };
    sheet.getCell("B1").value = { error: "#N/A" };
    sheet.getCell("C1").value = { formula: "1+1", result: 2 };
    sheet.getCell("D1").value = { text: "site", hyperlink: "http://x" };
    sheet.getCell("E1").value = new Date(Date.UTC(2024, 2, 1));
    const body = Buffer.from(await book.xlsx.writeBuffer());
    expect(readWorkbook(body).sheets[0]!.rows).toEqual([
      ["sample1", { fault: "the cell holds the error #N/A" }, 2, "site", date],
    ]);
  });
});
