import * as XLSX from "@e965/xlsx";
import { describe, expect, it } from "vitest";
import { workbookLayout } from "@/lib/spreadsheet/layout";
import { AppError } from "../errors";
import { checkOdsContent, MAX_MATRIX_FORMULAS } from "./check-ods-content";
import { checkWorkbookContainer, MAX_SHEET_ROWS } from "./check-workbook-container";
import { dataSheets } from "./data-sheets";
import { openWorkbook, readOptionsFor, readWorkbook } from "./read-workbook";
import { SPREADSHEET_LIMITS } from "./template-format";

type Cells = Record<string, XLSX.CellObject>;

/** The part of SheetJS's bundled ZIP/CFB library the tests use (typed `any` upstream). */
interface Zip {
  FullPaths: string[];
}
interface ZipFile {
  content: Buffer | Uint8Array;
  size: number;
}
const CFB = XLSX.CFB as {
  read(data: Buffer, options: { type: "buffer" }): Zip;
  find(zip: Zip, path: string): ZipFile;
  write(zip: Zip, options: { fileType?: "zip"; type: "buffer" }): Uint8Array;
  utils: { cfb_new(): Zip; cfb_add(zip: Zip, path: string, content: Buffer): void };
};

/** A ZIP-based workbook with one part's content replaced. */
function withPart(body: Buffer, part: string, edit: (text: string) => string): Buffer {
  const zip = CFB.read(body, { type: "buffer" });
  const entry = CFB.find(zip, part);
  entry.content = Buffer.from(edit(Buffer.from(entry.content).toString("utf8")));
  entry.size = entry.content.length;
  return Buffer.from(CFB.write(zip, { fileType: "zip", type: "buffer" }));
}

/** A workbook of sheets given as cells by address, written by SheetJS as `bookType`. */
function workbook(sheets: Record<string, Cells>, bookType: "xlsx" | "ods" | "xls"): Buffer {
  const book = XLSX.utils.book_new();
  for (const [name, cells] of Object.entries(sheets)) {
    const refs = Object.keys(cells).map((a) => XLSX.utils.decode_cell(a));
    const end = {
      r: Math.max(0, ...refs.map((c) => c.r)),
      c: Math.max(0, ...refs.map((c) => c.c)),
    };
    const sheet: XLSX.WorkSheet = {
      ...cells,
      "!ref": XLSX.utils.encode_range({ r: 0, c: 0 }, end),
    };
    XLSX.utils.book_append_sheet(book, sheet, name);
  }
  return XLSX.write(book, { type: "buffer", bookType }) as Buffer;
}

/** An .ods whose first table's rows are replaced by `rows` (raw content.xml). */
function odsWithRows(rows: string): Buffer {
  const ods = workbook({ Run: { A1: { t: "s", v: "x" } } }, "ods");
  return withPart(ods, "content.xml", (xml) =>
    xml.replace(/<table:table-row>.*<\/table:table-row>/s, rows),
  );
}

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("UNREADABLE_SPREADSHEET");
    return error as AppError;
  }
  throw new Error("expected a refusal");
}

const LAYOUT = workbookLayout({
  type: "object",
  properties: {
    project: { type: "string" },
    samples: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
  },
});

describe("the limits count values in the sheets that are read", () => {
  const { maxRows, maxColumns } = SPREADSHEET_LIMITS;
  const wide = XLSX.utils.encode_cell({ r: 0, c: maxColumns });

  it.each(["xlsx", "ods", "xls"] as const)(
    ".%s: a value beyond column 200 in README is not read; in a data sheet it is refused",
    (bookType) => {
      const far = { t: "s", v: "far" } as const;
      const make = (samples: Cells) =>
        workbook(
          {
            README: { A1: { t: "s", v: "notes" }, [wide]: far },
            Run: { A1: { t: "s", v: "Field" } },
            samples: { A1: { t: "s", v: "name" }, ...samples },
          },
          bookType,
        );
      const read = (body: Buffer) => readWorkbook(body, (names) => dataSheets(names, LAYOUT));
      expect(read(make({})).sheets.map((s) => s.name)).toEqual(["Run", "samples"]);
      expect(refusal(() => read(make({ [wide]: far }))).message).toBe(
        `The sheet "samples" has cells beyond column ${maxColumns} (row 1); at most ${maxColumns} columns are accepted`,
      );
    },
  );

  it.each(["xlsx", "ods", "xls"] as const)(
    ".%s: a lone value far below the row limit is refused, not dropped",
    (bookType) => {
      const far = XLSX.utils.encode_cell({ r: maxRows + 9, c: 0 });
      const body = workbook(
        { Run: { A1: { t: "s", v: "Field" }, [far]: { t: "n", v: 1 } } },
        bookType,
      );
      expect(refusal(() => readWorkbook(body)).message).toBe(
        `The sheet "Run" uses rows up to ${maxRows + 10}; at most ${maxRows} are accepted`,
      );
    },
  );

  it("refuses more sheets than the limit", () => {
    const one: Cells = { A1: { t: "s", v: "x" } };
    const sheets = Object.fromEntries(
      Array.from({ length: SPREADSHEET_LIMITS.maxSheets + 1 }, (_, i) => [`S${i}`, one]),
    );
    expect(refusal(() => openWorkbook(workbook(sheets, "xlsx"))).message).toBe(
      `The workbook has more than ${SPREADSHEET_LIMITS.maxSheets} sheets`,
    );
  });
});

describe("checkWorkbookContainer", () => {
  it("refuses an .ods whose repeat attributes expand to millions of cells, before parsing", () => {
    // 300 bytes that a reader would expand to a million rows of 1,024 values.
    const bomb = odsWithRows(
      '<table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1024"><text:p>1</text:p></table:table-cell></table:table-row>',
    );
    const started = performance.now();
    expect(refusal(() => openWorkbook(bomb)).message).toBe(
      `The spreadsheet holds more than ${SPREADSHEET_LIMITS.maxCells} cells with values (counting repeated cells); at most ${SPREADSHEET_LIMITS.maxCells} are accepted`,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("lets empty repeated rows and columns through (how Calc and Gnumeric end a sheet)", () => {
    const body = odsWithRows(
      '<table:table-row><table:table-cell office:value-type="string"><text:p>Field</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>',
    );
    expect(readWorkbook(body).sheets[0]!.rows).toEqual([["Field"]]);
  });

  it.each([
    [
      "a '>' in a formula before the repeat",
      'table:formula="of:=[.A1]>0" table:number-columns-repeated="500"',
    ],
    ["another prefix", 'x:number-columns-repeated="500"'],
    ["no prefix, upper case, a suffix", 'Number-Columns-Repeated_x="500"'],
    [
      "the repeat twice, the large one first",
      'table:number-columns-repeated="500" calcext:number-columns-repeated="1"',
    ],
  ])("counts a repeat written with %s, as the reader reads it", (_, attributes) => {
    const xml = `<table:table-row><table:table-cell office:value-type="float" office:value="1" ${attributes}/></table:table-row>`;
    expect(() => checkOdsContent(xml, { maxCells: 100 })).toThrow(/more than 100/);
  });

  it("applies a self-closing row's repeat to the cells after it, and a prefix-less cell tag", () => {
    const xml =
      '<table:table-row table:number-rows-repeated="+1e3"/><x:table-cell office:value="1" table:number-columns-repeated="2"/>';
    expect(() => checkOdsContent(xml, { maxCells: 1999 })).toThrow(/more than 1999/);
    expect(() => checkOdsContent(xml, { maxCells: 2000 })).not.toThrow();
  });

  it("refuses an .ods value placed billions of rows down (by a row repeat or a row number)", () => {
    const repeated = odsWithRows(
      '<table:table-row table:number-rows-repeated="4294967000"><table:table-cell/></table:table-row><table:table-row><table:table-cell office:value-type="string" office:string-value=""/></table:table-row>',
    );
    const numbered = odsWithRows(
      '<table:table-row 行号="4294967000"><table:table-cell office:value-type="string" office:string-value=""/></table:table-row>',
    );
    for (const body of [repeated, numbered]) {
      const started = performance.now();
      expect(refusal(() => openWorkbook(body)).message).toBe(
        `The spreadsheet has a value below row ${MAX_SHEET_ROWS}; at most ${MAX_SHEET_ROWS} rows are accepted`,
      );
      expect(performance.now() - started).toBeLessThan(1000);
    }
    // The last row a value may sit in is still read.
    const last = odsWithRows(
      `<table:table-row table:number-rows-repeated="${SPREADSHEET_LIMITS.maxRows - 1}"><table:table-cell/></table:table-row><table:table-row><table:table-cell office:value-type="string" office:string-value="end"><text:p>end</text:p></table:table-cell></table:table-row>`,
    );
    expect(readWorkbook(last).sheets[0]!.rows.at(-1)).toEqual(["end"]);
  });

  it("refuses an .ods with more array formulas than the limit (the reader's work is quadratic in them)", () => {
    const cell =
      '<table:table-cell table:formula="of:=1" table:number-matrix-columns-spanned="1" table:number-matrix-rows-spanned="1" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>';
    const body = odsWithRows(
      `<table:table-row>${cell.repeat(MAX_MATRIX_FORMULAS + 1)}</table:table-row>`,
    );
    expect(refusal(() => openWorkbook(body)).message).toBe(
      `The spreadsheet holds more than ${MAX_MATRIX_FORMULAS} array formulas; at most ${MAX_MATRIX_FORMULAS} are accepted`,
    );
    const few = odsWithRows(`<table:table-row>${cell.repeat(10)}</table:table-row>`);
    expect(readWorkbook(few).sheets[0]!.rows[0]).toHaveLength(10);
  });

  it("reads an .xlsx full of array formulas without checking each cell against each of them", () => {
    // With formulas read, SheetJS checks every cell against each array formula: 30,000 of
    // them took 5.4 s. Only .ods formulas are read (their array formulas are counted first).
    expect(readOptionsFor("xlsx").cellFormula).toBe(false);
    expect(readOptionsFor("xls").cellFormula).toBe(false);
    expect(readOptionsFor("ods").cellFormula).toBe(true);
    const cells: Cells = {};
    for (let r = 0; r < 20_000; r++) {
      const a = XLSX.utils.encode_cell({ r, c: 0 });
      cells[a] = { t: "n", v: 1, f: "1", F: `${a}:${XLSX.utils.encode_cell({ r, c: 1 })}` };
      cells[XLSX.utils.encode_cell({ r, c: 2 })] = { t: "n", v: 2 };
    }
    const rows = readWorkbook(workbook({ Run: cells }, "xlsx")).sheets[0]!.rows;
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]).toEqual([1, null, 2]);
  });

  it("counts repeated value cells across rows", () => {
    const row = (n: number) =>
      `<table:table-row table:number-rows-repeated="${n}"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="10"/></table:table-row>`;
    expect(() => checkOdsContent(row(10), { maxCells: 100 })).not.toThrow();
    expect(() => checkOdsContent(row(10) + row(1), { maxCells: 100 })).toThrow(/more than 100/);
  });

  it("refuses an .xlsx with more cell elements than the limit, before parsing", () => {
    const cells: Cells = {};
    for (let r = 0; r < 30; r++) cells[XLSX.utils.encode_cell({ r, c: 0 })] = { t: "n", v: r };
    const body = workbook({ Run: cells, Other: { A1: { t: "s", v: "x" } } }, "xlsx");
    const limits = { ...SPREADSHEET_LIMITS, maxCells: 30 };
    expect(refusal(() => checkWorkbookContainer(body, limits)).message).toBe(
      "The workbook holds more than 30 cells; at most 30 are accepted",
    );
    expect(checkWorkbookContainer(body, { ...limits, maxCells: 31 })).toBe("xlsx");
  });

  it("refuses an .xls larger than its limit, by size alone", () => {
    const body = workbook({ Run: { A1: { t: "s", v: "x" } } }, "xls");
    const limits = { ...SPREADSHEET_LIMITS, maxXlsBytes: body.length - 1 };
    expect(refusal(() => checkWorkbookContainer(body, limits)).message).toBe(
      `The .xls file is ${body.length} bytes; at most ${body.length - 1} are accepted`,
    );
    expect(checkWorkbookContainer(body, SPREADSHEET_LIMITS)).toBe("xls");
  });

  it("refuses an OpenDocument text, and a zip bomb inside an .ods", () => {
    const ods = workbook({ Run: { A1: { t: "s", v: "x" } } }, "ods");
    const text = withPart(ods, "mimetype", () => "application/vnd.oasis.opendocument.text");
    expect(refusal(() => checkWorkbookContainer(text, SPREADSHEET_LIMITS)).message).toBe(
      "The file is an OpenDocument file but not a spreadsheet (.ods)",
    );
    const small = { ...SPREADSHEET_LIMITS, maxInflatedBytes: 100 };
    expect(refusal(() => checkWorkbookContainer(ods, small)).message).toMatch(
      /^The workbook inflates to \d+ bytes; at most 100 are accepted$/,
    );
  });

  it("says an encrypted workbook (an OLE file holding EncryptedPackage) needs its password removed", () => {
    const ole = CFB.utils.cfb_new();
    CFB.utils.cfb_add(ole, "/EncryptionInfo", Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
    CFB.utils.cfb_add(ole, "/EncryptedPackage", Buffer.alloc(4096, 7));
    const body = Buffer.from(CFB.write(ole, { type: "buffer" }));
    expect(refusal(() => openWorkbook(body)).message).toBe(
      "The workbook is encrypted: save it without a password",
    );
  });

  it("says what a broken .xls is", () => {
    const ole = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(refusal(() => openWorkbook(ole)).message).toMatch(/^The workbook could not be read: /);
  });
});
