import { readFileSync } from "node:fs";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { workbookLayout } from "@/lib/spreadsheet/layout";
import { AppError } from "../errors";
import { buildTemplate } from "./build-template";
import { cellRef, convertWorkbook } from "./convert-workbook";
import { readCsv, readXlsx } from "./read-workbook";
import { TEMPLATE_FORMAT, TEMPLATE_ROWS } from "./template-format";

type Json = Record<string, unknown>;

const ROOT = path.join(import.meta.dirname, "../..");

function fixture(name: string): Buffer {
  return readFileSync(path.join(import.meta.dirname, "fixtures", name));
}

function pipelineFile(pipeline: string, file: string): Json {
  return JSON.parse(readFileSync(path.join(ROOT, "pipelines", pipeline, file), "utf8")) as Json;
}

const FASTQ_SCHEMA = pipelineFile("fastq-qc", "schema.json");
const FASTQ_EXAMPLE = pipelineFile("fastq-qc", "example.json");
const FASTQ_LAYOUT = workbookLayout(FASTQ_SCHEMA);
const FILLED_EXPECTED = JSON.parse(
  fixture("libreoffice-filled.expected.json").toString("utf8"),
) as Json;

/** The parts of a ZIP by name, read through its central directory (no data descriptors needed). */
function unzip(body: Buffer): Map<string, Buffer> {
  let end = body.length - 22;
  while (end >= 0 && body.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error("no end of central directory");
  const count = body.readUInt16LE(end + 10);
  let at = body.readUInt32LE(end + 16);
  const parts = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(body.readUInt32LE(at)).toBe(0x02014b50);
    const method = body.readUInt16LE(at + 10);
    const compressedSize = body.readUInt32LE(at + 20);
    const nameLength = body.readUInt16LE(at + 28);
    const local = body.readUInt32LE(at + 42);
    const name = body.toString("utf8", at + 46, at + 46 + nameLength);
    const start = local + 30 + body.readUInt16LE(local + 26) + body.readUInt16LE(local + 28);
    const data = body.subarray(start, start + compressedSize);
    parts.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + body.readUInt16LE(at + 30) + body.readUInt16LE(at + 32);
  }
  return parts;
}

interface SheetPart {
  name: string;
  state: string;
  /** The part's path in the ZIP, e.g. `xl/worksheets/sheet3.xml`. */
  part: string;
  xml: string;
}

function partText(parts: Map<string, Buffer>, name: string): string {
  const part = parts.get(name);
  if (!part) throw new Error(`no part ${name}`);
  return part.toString("utf8");
}

/** Each sheet's name, state and XML, following workbook.xml and its relationships. */
function sheetsOf(parts: Map<string, Buffer>): SheetPart[] {
  const rels = new Map(
    [...partText(parts, "xl/_rels/workbook.xml.rels").matchAll(/<Relationship [^>]*>/g)].map(
      (m) => [/Id="([^"]+)"/.exec(m[0])![1]!, /Target="([^"]+)"/.exec(m[0])![1]!],
    ),
  );
  return [...partText(parts, "xl/workbook.xml").matchAll(/<sheet [^>]*>/g)].map((m) => {
    const attr = (key: string) => new RegExp(`${key}="([^"]*)"`).exec(m[0])?.[1];
    const part = `xl/${rels.get(attr("r:id")!)!.replace(/^\/?(xl\/)?/, "")}`;
    return {
      name: attr("name")!,
      state: attr("state") ?? "visible",
      part,
      xml: partText(parts, part),
    };
  });
}

/** The comments part of a sheet (its cell notes), through the sheet's relationships. */
function commentsOf(parts: Map<string, Buffer>, sheet: SheetPart): string {
  const relsName = sheet.part.replace(/([^/]+)$/, "_rels/$1.rels");
  const target = /Type="[^"]*\/comments" Target="([^"]+)"/.exec(partText(parts, relsName))?.[1];
  if (!target) throw new Error(`no comments for ${sheet.name}`);
  return partText(parts, path.posix.join(path.posix.dirname(sheet.part), target));
}

describe("readXlsx and convertWorkbook on the LibreOffice fixtures", () => {
  it.each(["libreoffice-filled.xlsx", "inline-strings.xlsx"])(
    "%s converts to exactly the expected config",
    async (file) => {
      const data = await readXlsx(fixture(file));
      expect(data.pipeline).toBe("fastq-qc@1.0.0");
      expect(data.template).toBe(TEMPLATE_FORMAT);
      // The hidden sheet is read as metadata, never as a sheet of values.
      expect(data.sheets.map((s) => s.name)).toEqual(["README", "Run", "dataFiles"]);
      const converted = convertWorkbook(data, FASTQ_LAYOUT);
      expect(converted.problems).toEqual([]);
      expect(converted.config).toEqual(FILLED_EXPECTED);
    },
  );

  it("reads a number typed as text, a formula's cached result and skips the empty row", async () => {
    const data = await readXlsx(fixture("libreoffice-filled.xlsx"));
    const converted = convertWorkbook(data, FASTQ_LAYOUT);
    expect(converted.config.minQuality).toBe(30);
    const files = converted.config.dataFiles as Json[];
    expect(files).toHaveLength(4);
    expect(files.map((f) => f.sampleName)).toEqual(["sample1", "sample1", "sample2", "sample2"]);
    // The items after the empty row sit on the rows they were typed on.
    expect(converted.locate("/dataFiles/2/fastqPath")).toEqual({
      sheet: "dataFiles",
      cell: "dataFiles!A5",
    });
  });

  it("reports the mistakes of libreoffice-mistakes.xlsx at their cells", async () => {
    const data = await readXlsx(fixture("libreoffice-mistakes.xlsx"));
    expect(data.pipeline).toBe("fastq-qc@1.0.0");
    const converted = convertWorkbook(data, FASTQ_LAYOUT);
    expect(converted.problems).toEqual([
      {
        sheet: "Run",
        cell: "Run!B7",
        path: "/minQuality",
        message: 'expected a whole number, got "high"',
      },
      {
        sheet: "dataFiles",
        cell: "dataFiles!C4",
        path: "/dataFiles/2/sampleName",
        message: "the cell holds the error #DIV/0!",
      },
    ]);
    expect(converted.isReported("/minQuality")).toBe(true);
    expect(converted.isReported("/dataFiles/2/sampleName")).toBe(true);
    expect(converted.config.minQuality).toBeUndefined();
    const files = converted.config.dataFiles as Json[];
    // The number 7 typed in a text column is read as the text "7".
    expect(files[2]!.rgpu).toBe("7");
    expect(files[2]!.sampleName).toBeUndefined();
    // Mistakes the schema catches are left to it, with the cell they came from.
    expect(converted.config.email).toBe("alice at example.org");
    expect(files[0]!.fastqCode).toBe("R3");
    expect(files[1]!.rglb).toBeUndefined();
    expect(converted.locate("/email")).toEqual({ sheet: "Run", cell: "Run!B5" });
    expect(converted.locate("/dataFiles/0/fastqCode")).toEqual({
      sheet: "dataFiles",
      cell: "dataFiles!B2",
    });
    expect(converted.locate("/dataFiles/1/rglb")).toEqual({
      sheet: "dataFiles",
      cell: "dataFiles!E3",
    });
  });
});

describe("readCsv", () => {
  const { dataFiles: expectedFiles, ...base } = FILLED_EXPECTED;

  it.each(["dataFiles", "CSV"])(
    "reads the Calc CSV export (as sheet %j) into the expected dataFiles",
    (name) => {
      const data = readCsv(fixture("libreoffice-samples.csv"), name);
      expect(data.pipeline).toBeUndefined();
      expect(data.sheets).toHaveLength(1);
      const converted = convertWorkbook(data, FASTQ_LAYOUT, base);
      expect(converted.problems).toEqual([]);
      expect(converted.config).toEqual({ ...base, dataFiles: expectedFiles });
    },
  );

  it("refuses text that is not UTF-8", () => {
    const latin1 = Buffer.from("fastqPath\nd\xe9j\xe0.fq\n", "latin1");
    expect(() => readCsv(latin1, "dataFiles")).toThrow(
      expect.objectContaining({
        code: "UNREADABLE_SPREADSHEET",
        message: "The CSV file is not UTF-8 text: save it as CSV UTF-8",
      }),
    );
  });

  it("refuses a broken CSV with the parser's reason", () => {
    const body = Buffer.from('fastqPath,fastqCode\n"open,R1\n');
    let thrown: unknown;
    try {
      readCsv(body, "dataFiles");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: "UNREADABLE_SPREADSHEET",
      message: "The CSV file could not be read: a quoted field in row 2 is never closed",
    });
  });
});

describe("templates round-trip through readXlsx and convertWorkbook", () => {
  it("gives back fastq-qc's example exactly", async () => {
    const body = await buildTemplate({
      name: "fastq-qc",
      version: "1.0.0",
      schema: FASTQ_SCHEMA,
      prefill: FASTQ_EXAMPLE,
    });
    const data = await readXlsx(body);
    expect(data.pipeline).toBe("fastq-qc@1.0.0");
    expect(data.template).toBe(TEMPLATE_FORMAT);
    const converted = convertWorkbook(data, FASTQ_LAYOUT);
    expect(converted.problems).toEqual([]);
    expect(converted.config).toEqual(FASTQ_EXAMPLE);
  });

  it("gives back hello's example exactly", async () => {
    const schema = pipelineFile("hello", "schema.json");
    const example = pipelineFile("hello", "example.json");
    const body = await buildTemplate({ name: "hello", version: "1.0.0", schema, prefill: example });
    const data = await readXlsx(body);
    expect(data.pipeline).toBe("hello@1.0.0");
    const converted = convertWorkbook(data, workbookLayout(schema));
    expect(converted.problems).toEqual([]);
    expect(converted.config).toEqual(example);
  });

  it("prefills a blank template with the defaults and the pipeline only", async () => {
    const body = await buildTemplate({ name: "fastq-qc", version: "1.0.0", schema: FASTQ_SCHEMA });
    const converted = convertWorkbook(await readXlsx(body), FASTQ_LAYOUT);
    expect(converted.problems).toEqual([]);
    expect(converted.config).toEqual({
      pipeline: "fastq-qc@1.0.0",
      minQuality: 20,
      dataFiles: [],
    });
  });

  it("keeps nested fields, lists, booleans and dates", async () => {
    const schema = {
      type: "object",
      properties: {
        options: {
          type: "object",
          properties: { paired: { type: "boolean" }, start: { type: "string", format: "date" } },
        },
        lanes: { type: "array", items: { type: "integer" } },
        ratio: { type: "number" },
        samples: {
          type: "array",
          items: {
            type: "object",
            properties: {
              name: { type: "string" },
              code: { type: "string" },
              tags: { type: "array", items: { type: "string" } },
              reads: { type: "object", properties: { count: { type: "integer" } } },
            },
          },
        },
      },
    };
    const prefill = {
      options: { paired: false, start: "2024-03-01" },
      lanes: [1, 2, 8],
      ratio: 0.125,
      samples: [
        { name: "s1", code: "007", tags: ["a", "b"], reads: { count: 12 } },
        { name: "s2", code: "1e3", reads: { count: 0 } },
      ],
    };
    const body = await buildTemplate({ name: "nested", version: "2.0.0", schema, prefill });
    const converted = convertWorkbook(await readXlsx(body), workbookLayout(schema));
    expect(converted.problems).toEqual([]);
    expect(converted.config).toEqual(prefill);
  });
});

describe("the template's content", () => {
  async function fastqTemplate(): Promise<Map<string, Buffer>> {
    const body = await buildTemplate({ name: "fastq-qc", version: "1.0.0", schema: FASTQ_SCHEMA });
    return unzip(body);
  }

  it("shades the required dataFiles headers and leaves the optional ones unshaded", async () => {
    const body = await buildTemplate({ name: "fastq-qc", version: "1.0.0", schema: FASTQ_SCHEMA });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("dataFiles")!;
    const fillOf = (header: string) => {
      const row = sheet.getRow(1);
      let fill: ExcelJS.Fill | undefined;
      row.eachCell((cell) => {
        if (cell.value === header) fill = cell.fill;
      });
      return fill as { pattern?: string; fgColor?: { argb?: string } } | undefined;
    };
    expect(fillOf("fastqPath")?.pattern).toBe("solid");
    for (const optional of ["rgpl", "flowcell", "numberOfReads", "umiRead"])
      expect(fillOf(optional)?.pattern ?? "none", optional).toBe("none");
  });

  it("has README, Run and dataFiles sheets and a hidden _runport sheet", async () => {
    const sheets = sheetsOf(await fastqTemplate());
    expect(sheets.map((s) => [s.name, s.state])).toEqual([
      ["README", "visible"],
      ["Run", "visible"],
      ["dataFiles", "visible"],
      ["_runport", "hidden"],
    ]);
  });

  it("names the pipeline, the template format and the enum lists in the hidden sheet", async () => {
    const body = await buildTemplate({ name: "fastq-qc", version: "1.0.0", schema: FASTQ_SCHEMA });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
    const meta = workbook.getWorksheet("_runport")!;
    expect(meta.state).toBe("hidden");
    const column = (c: number) =>
      Array.from({ length: 6 }, (_, r) => meta.getCell(r + 1, c).value ?? null);
    expect([column(1).slice(0, 3), column(2).slice(0, 3)]).toEqual([
      ["template", "pipeline", "sheet"],
      [TEMPLATE_FORMAT, "fastq-qc@1.0.0", "dataFiles"],
    ]);
    expect(column(5)).toEqual(["fastqCode", "R1", "R2", null, null, null]);
    expect(column(6)).toEqual(["rgpl", "ILLUMINA", "ONT", "PACBIO", "ELEMENT", "ULTIMA"]);
  });

  it("freezes the header row of the Run and dataFiles sheets", async () => {
    const sheets = sheetsOf(await fastqTemplate());
    for (const name of ["Run", "dataFiles"]) {
      const xml = sheets.find((s) => s.name === name)!.xml;
      expect(xml, name).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"/);
    }
  });

  it("gives the fastqCode column a dropdown of the enum in the hidden sheet", async () => {
    const sheets = sheetsOf(await fastqTemplate());
    const xml = sheets.find((s) => s.name === "dataFiles")!.xml;
    const index = FASTQ_LAYOUT.tables[0]!.columns.findIndex((c) => c.header === "fastqCode");
    const letter = String.fromCharCode(65 + index);
    const validation = new RegExp(
      `<dataValidation [^>]*sqref="${letter}2:${letter}${TEMPLATE_ROWS + 1}"[^>]*>(.*?)</dataValidation>`,
    ).exec(xml);
    expect(validation).not.toBeNull();
    expect(validation![0]).toContain('type="list"');
    expect(validation![1]).toBe("<formula1>&apos;_runport&apos;!$E$2:$E$3</formula1>");
  });

  it("bounds the whole-number check of minQuality on the Run sheet", async () => {
    const sheets = sheetsOf(await fastqTemplate());
    const xml = sheets.find((s) => s.name === "Run")!.xml;
    const row = FASTQ_LAYOUT.fields.findIndex((f) => f.header === "minQuality") + 2;
    expect(xml).toMatch(
      new RegExp(
        `<dataValidation [^>]*type="whole"[^>]*sqref="B${row}"[^>]*><formula1>0</formula1><formula2>60</formula2>`,
      ),
    );
  });

  it("puts a note on each dataFiles header saying what the column takes", async () => {
    const parts = await fastqTemplate();
    const comments = commentsOf(
      parts,
      sheetsOf(parts).find((s) => s.name === "dataFiles")!,
    );
    const refs = [...comments.matchAll(/<comment ref="([A-Z]+\d+)"/g)].map((m) => m[1]);
    expect(refs.slice(0, 7)).toEqual(["A1", "B1", "C1", "D1", "E1", "F1", "G1"]);
    expect(refs).toHaveLength(33);
    expect(comments).toContain("Required · text");
    expect(comments).toContain("One of: R1, R2");
    expect(comments).toContain("Optional · text");
    expect(comments).toContain("Default: &quot;ILLUMINA&quot;");
  });
});

describe("formula injection", () => {
  const schema = {
    type: "object",
    properties: {
      a: { type: "string" },
      b: { type: "string" },
      c: { type: "string" },
      d: { type: "string" },
      tags: { type: "array", items: { type: "string" } },
      rows: {
        type: "array",
        items: { type: "object", properties: { text: { type: "string" } } },
      },
    },
  };
  const prefill = {
    a: '=HYPERLINK("http://x")',
    b: "+1",
    c: "-2",
    d: "@SUM(A1)",
    tags: ["=1+1", "+cmd"],
    rows: [{ text: "=cmd|' /C calc'!A0" }, { text: '=HYPERLINK("http://x","click")' }],
  };

  it("writes strings that look like formulas as text, never as formulas", async () => {
    const body = await buildTemplate({ name: "inject", version: "1.0.0", schema, prefill });
    const sheets = sheetsOf(unzip(body));
    expect(sheets.length).toBeGreaterThanOrEqual(3);
    for (const sheet of sheets) {
      expect(sheet.xml, sheet.name).not.toMatch(/<f[\s>/]/);
    }
  });

  it("reads them back as the same strings", async () => {
    const body = await buildTemplate({ name: "inject", version: "1.0.0", schema, prefill });
    const converted = convertWorkbook(await readXlsx(body), workbookLayout(schema));
    expect(converted.problems).toEqual([]);
    expect(converted.config).toEqual(prefill);
  });
});

describe("cellRef", () => {
  it("quotes sheet names that need it", () => {
    expect(cellRef("Run", 7, 2)).toBe("Run!B7");
    expect(cellRef("dataFiles", 4, 27)).toBe("dataFiles!AA4");
    expect(cellRef("my sheet", 1, 702)).toBe("'my sheet'!ZZ1");
    expect(cellRef("it's", 2, 703)).toBe("'it''s'!AAA2");
  });
});

describe("buildTemplate with awkward property names", () => {
  it("writes a template for arrays named History or quoted, under names Excel accepts", async () => {
    const row = { type: "object", properties: { v: { type: "string" } } };
    const schema = {
      type: "object",
      properties: {
        History: { type: "array", items: row },
        "'notes'": { type: "array", items: row },
      },
    };
    const body = await buildTemplate({
      name: "odd",
      version: "1.0.0",
      schema,
      prefill: { History: [{ v: "a" }], "'notes'": [{ v: "b" }] },
    });
    const data = await readXlsx(body);
    expect(data.sheets.map((s) => s.name)).toEqual(["README", "Run", "History_2", "notes"]);
    expect(convertWorkbook(data, workbookLayout(schema)).config).toEqual({
      History: [{ v: "a" }],
      "'notes'": [{ v: "b" }],
    });
  });
});
