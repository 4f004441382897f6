import { once } from "node:events";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createDeflateRaw, deflateRawSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { buildTemplate } from "./build-template";
import { checkXlsxContainer, type ContainerLimits } from "./check-xlsx-container";
import { readXlsx } from "./read-workbook";
import { SPREADSHEET_LIMITS } from "./template-format";

// --- A tiny ZIP writer: enough to build honest, lying and hostile archives. ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface ZipEntry {
  name: string;
  /** The real content (compressed by the writer unless `stored`). */
  data?: Buffer;
  /** Already-deflated content, for entries too large to hold inflated; needs `size`. */
  deflated?: Buffer;
  stored?: boolean;
  /** The inflated size the headers declare; the real one when absent. */
  size?: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags?: number;
  method?: number;
}

function zip(entries: ZipEntry[], options: { declaredCount?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const data = entry.data ?? Buffer.alloc(0);
    const body = entry.deflated ?? (entry.stored ? data : deflateRawSync(data));
    const method = entry.method ?? (entry.stored ? 0 : 8);
    const size = entry.size ?? data.length;
    const crc = entry.deflated ? 0 : crc32(data);
    const flags = entry.flags ?? 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  const count = options.declaredCount ?? entries.length;
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The parts every workbook has, so that a case gets past the "is it an .xlsx" check. */
function workbookParts(): ZipEntry[] {
  return [
    { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
    { name: "xl/workbook.xml", data: Buffer.from("<workbook/>") },
  ];
}

/** Deflates `bytes` zero bytes in 1 MB chunks, never holding them inflated at once. */
async function deflatedZeros(bytes: number): Promise<Buffer> {
  const chunk = Buffer.alloc(1 << 20);
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on("data", (part: Buffer) => out.push(part));
  const ended = once(deflate, "end");
  for (let written = 0; written < bytes; written += chunk.length) {
    if (!deflate.write(chunk)) await once(deflate, "drain");
  }
  deflate.end();
  await ended;
  return Buffer.concat(out);
}

// --- Assertions ---

function refusal(body: Buffer, limits: ContainerLimits = SPREADSHEET_LIMITS): AppError {
  try {
    checkXlsxContainer(body, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("UNREADABLE_SPREADSHEET");
    expect((error as AppError).status).toBe(422);
    return error as AppError;
  }
  throw new Error("expected checkXlsxContainer to refuse the body");
}

async function readRefusal(body: Buffer): Promise<AppError> {
  const error: unknown = await readXlsx(body).then(
    () => new Error("expected readXlsx to refuse the body"),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("UNREADABLE_SPREADSHEET");
  return error as AppError;
}

const MB = 1024 * 1024;
const SMALL: ContainerLimits = { maxEntries: 10, maxInflatedBytes: 10 * MB };

let template: Buffer;
let bombData: Buffer;
const BOMB_SIZE = 200 * MB;

beforeAll(async () => {
  const schemaFile = path.join(import.meta.dirname, "../../pipelines/fastq-qc/schema.json");
  const schema = JSON.parse(readFileSync(schemaFile, "utf8")) as Record<string, unknown>;
  template = await buildTemplate({ name: "fastq-qc", version: "1.0.0", schema });
  bombData = await deflatedZeros(BOMB_SIZE);
}, 60_000);

describe("checkXlsxContainer accepts real workbooks", () => {
  it("accepts a template and a ZIP built by the test's writer", () => {
    expect(() => checkXlsxContainer(template, SPREADSHEET_LIMITS)).not.toThrow();
    expect(() => checkXlsxContainer(zip(workbookParts()), SPREADSHEET_LIMITS)).not.toThrow();
  });

  it.each(["libreoffice-filled.xlsx", "inline-strings.xlsx", "libreoffice-mistakes.xlsx"])(
    "accepts the LibreOffice fixture %s",
    (file) => {
      const body = readFileSync(path.join(import.meta.dirname, "fixtures", file));
      expect(() => checkXlsxContainer(body, SPREADSHEET_LIMITS)).not.toThrow();
    },
  );

  it("accepts stored (uncompressed) parts and empty parts", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/stored.xml", data: Buffer.from("<x/>"), stored: true },
      { name: "xl/empty.xml", data: Buffer.alloc(0) },
    ]);
    expect(() => checkXlsxContainer(body, SPREADSHEET_LIMITS)).not.toThrow();
  });
});

describe("checkXlsxContainer refuses zip bombs", () => {
  it("is fed a bomb that really is 200 MB of zeros in a few hundred KB", () => {
    expect(bombData.length).toBeLessThan(1 * MB);
  });

  it("refuses a part that declares a small size but inflates far beyond it, without inflating it", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/worksheets/sheet1.xml", deflated: bombData, size: 1000 },
    ]);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const error = refusal(body);
    const elapsed = performance.now() - started;
    expect(error.message).toBe(
      'The file is a broken or malicious ZIP: the part "xl/worksheets/sheet1.xml" does not inflate to its declared size',
    );
    // Inflating 200 MB takes far longer and would leave the memory behind.
    expect(elapsed).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(100 * MB);
  });

  it("refuses a bomb that declares a size of zero", () => {
    const body = zip([...workbookParts(), { name: "xl/a.xml", deflated: bombData, size: 0 }]);
    expect(refusal(body).message).toBe(
      'The file is a broken or malicious ZIP: the part "xl/a.xml" does not inflate to its declared size',
    );
  });

  it("refuses a workbook whose declared sizes add up to more than the limit, before inflating", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/worksheets/sheet1.xml", deflated: bombData, size: BOMB_SIZE },
    ]);
    const declared = BOMB_SIZE + "<Types/>".length + "<workbook/>".length;
    const started = performance.now();
    expect(refusal(body).message).toBe(
      `The workbook inflates to ${declared} bytes; at most ${SPREADSHEET_LIMITS.maxInflatedBytes} are accepted`,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("adds up the declared sizes of all parts", () => {
    const parts = Array.from({ length: 3 }, (_, i) => ({
      name: `xl/part${i}.xml`,
      deflated: bombData,
      size: 4 * MB,
    }));
    const body = zip([...workbookParts(), ...parts]);
    expect(refusal(body, SMALL).message).toMatch(
      /^The workbook inflates to \d+ bytes; at most 10485760 are accepted$/,
    );
  });
});

describe("checkXlsxContainer refuses parts whose size is a lie", () => {
  it("refuses a deflated part smaller than declared", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/styles.xml", data: Buffer.from("<styleSheet/>"), size: 5000 },
    ]);
    expect(refusal(body).message).toBe(
      'The file is a broken ZIP: the part "xl/styles.xml" has the wrong size',
    );
  });

  it("refuses a deflated part larger than declared", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/styles.xml", data: Buffer.alloc(5000, 0x20), size: 100 },
    ]);
    expect(refusal(body).message).toBe(
      'The file is a broken or malicious ZIP: the part "xl/styles.xml" does not inflate to its declared size',
    );
  });

  it("refuses a stored part whose size does not match", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/stored.xml", data: Buffer.from("<x/>"), stored: true, size: 1000 },
    ]);
    expect(refusal(body).message).toBe(
      'The file is a broken ZIP: the part "xl/stored.xml" has the wrong size',
    );
  });

  it("refuses a part whose deflated data is garbage", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/bad.xml", deflated: Buffer.from([0xff, 0xff, 0xff, 0xff]), size: 10 },
    ]);
    expect(refusal(body).message).toBe(
      'The file is a broken or malicious ZIP: the part "xl/bad.xml" does not inflate to its declared size',
    );
  });
});

describe("checkXlsxContainer refuses files that are not an .xlsx", () => {
  it("says an OLE file is encrypted or an old .xls", () => {
    const ole = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(504),
    ]);
    const message = refusal(ole).message;
    expect(message).toBe(
      "The file is an encrypted workbook or an old .xls file: save it as .xlsx (Excel 2007 or later) without a password",
    );
    expect(message).toMatch(/encrypted/);
    expect(message).toMatch(/\.xls\b/);
  });

  it("says plain text is not a ZIP", () => {
    const message = "The file is not an .xlsx workbook (it is not a ZIP file)";
    expect(refusal(Buffer.from("fastqPath,fastqCode\ndata/a.fq,R1\n")).message).toBe(message);
    expect(refusal(Buffer.from("PK")).message).toBe(message);
    expect(refusal(Buffer.alloc(0)).message).toBe(message);
  });

  it("says an encrypted ZIP part needs the password removed", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/worksheets/sheet1.xml", data: Buffer.from("<worksheet/>"), flags: 1 },
    ]);
    expect(refusal(body).message).toBe("The workbook is encrypted: save it without a password");
  });

  it("refuses a compression method it cannot check", () => {
    const body = zip([
      ...workbookParts(),
      { name: "xl/sheet.xml", data: Buffer.from("<x/>"), stored: true, method: 12 },
    ]);
    expect(refusal(body).message).toBe(
      'The ZIP part "xl/sheet.xml" uses an unsupported compression method',
    );
  });

  it("says a ZIP without xl/workbook.xml is not a workbook", () => {
    const message = "The file is a ZIP but not an .xlsx workbook";
    const documentZip = zip([
      { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
      { name: "word/document.xml", data: Buffer.from("<document/>") },
    ]);
    expect(refusal(documentZip).message).toBe(message);
    expect(refusal(zip([{ name: "readme.txt", data: Buffer.from("hi") }])).message).toBe(message);
  });

  it("says a ZIP with content.xml is an .ods", () => {
    const ods = zip([
      { name: "mimetype", data: Buffer.from("application/vnd.oasis.opendocument.spreadsheet") },
      { name: "content.xml", data: Buffer.from("<office:document-content/>") },
      { name: "META-INF/manifest.xml", data: Buffer.from("<manifest/>") },
    ]);
    const message = refusal(ods).message;
    expect(message).toBe("The file is an OpenDocument spreadsheet (.ods): save it as .xlsx");
  });
});

describe("checkXlsxContainer refuses broken ZIPs", () => {
  it("refuses a template cut in the middle", () => {
    const cut = template.subarray(0, Math.floor(template.length / 2));
    expect(refusal(cut).message).toBe("The file is a broken ZIP: its central directory is missing");
  });

  it("refuses a template that lost only its last bytes", () => {
    const cut = template.subarray(0, template.length - 10);
    expect(refusal(cut).message).toBe("The file is a broken ZIP: its central directory is missing");
  });

  it("refuses a central directory that points past the end", () => {
    const body = Buffer.from(zip(workbookParts()));
    body.writeUInt32LE(body.length + 100, body.length - 22 + 16);
    expect(refusal(body).message).toBe(
      "The file is a broken ZIP: its central directory is damaged",
    );
  });

  it("refuses a directory that names more parts than it holds", () => {
    const body = zip(workbookParts(), { declaredCount: 3 });
    expect(refusal(body).message).toBe(
      "The file is a broken ZIP: its central directory is damaged",
    );
  });

  it("refuses a part whose local header is not where the directory says", () => {
    const body = Buffer.from(zip(workbookParts()));
    // Wipe the second part's local header signature (the first one makes the file a ZIP).
    const second = 30 + "[Content_Types].xml".length + deflateRawSync("<Types/>").length;
    expect(body.readUInt32LE(second)).toBe(0x04034b50);
    body.writeUInt32LE(0, second);
    expect(refusal(body).message).toBe(
      'The file is a broken ZIP: the part "xl/workbook.xml" is missing',
    );
  });

  it("refuses a part whose data runs past the end of the file", () => {
    const body = Buffer.from(zip(workbookParts()));
    // The second directory record's compressed size: far more bytes than the file holds.
    const directoryAt = body.readUInt32LE(body.length - 22 + 16);
    const second = directoryAt + 46 + "[Content_Types].xml".length;
    body.writeUInt32LE(1_000_000, second + 20);
    expect(refusal(body).message).toBe(
      'The file is a broken ZIP: the part "xl/workbook.xml" is cut short',
    );
  });

  it("refuses a ZIP64 archive", () => {
    const body = zip(workbookParts(), { declaredCount: 0xffff });
    expect(refusal(body).message).toBe(
      "The file is a ZIP64 archive; a workbook this large is not accepted",
    );
  });
});

describe("checkXlsxContainer limits the number of parts", () => {
  function manyParts(count: number): Buffer {
    const extra = Array.from({ length: count - 2 }, (_, i) => ({
      name: `xl/media/p${i}.xml`,
      data: Buffer.from(`<p>${i}</p>`),
    }));
    return zip([...workbookParts(), ...extra]);
  }

  it("accepts exactly the limit", () => {
    expect(() => checkXlsxContainer(manyParts(10), SMALL)).not.toThrow();
    expect(() =>
      checkXlsxContainer(manyParts(SPREADSHEET_LIMITS.maxEntries), SPREADSHEET_LIMITS),
    ).not.toThrow();
  });

  it("refuses one part more", () => {
    expect(refusal(manyParts(11), SMALL).message).toBe(
      "The workbook has 11 parts; at most 10 are accepted",
    );
    const max = SPREADSHEET_LIMITS.maxEntries;
    expect(refusal(manyParts(max + 1)).message).toBe(
      `The workbook has ${max + 1} parts; at most ${max} are accepted`,
    );
  });
});

// OLE files (.xls) and .ods are read since SheetJS: check-workbook-container.test.ts.
describe("readXlsx refuses the same inputs with the same error", () => {
  const cases: [string, () => Buffer][] = [
    ["plain text", () => Buffer.from("not a workbook")],
    ["a truncated template", () => template.subarray(0, Math.floor(template.length / 2))],
    ["a ZIP that is no workbook", () => zip([{ name: "a.txt", data: Buffer.from("a") }])],
    [
      "an encrypted part",
      () => zip([...workbookParts(), { name: "xl/s.xml", data: Buffer.from("x"), flags: 1 }]),
    ],
    [
      "a zip bomb",
      () => zip([...workbookParts(), { name: "xl/s.xml", deflated: bombData, size: 1000 }]),
    ],
    [
      "too many parts",
      () =>
        zip([
          ...workbookParts(),
          ...Array.from({ length: SPREADSHEET_LIMITS.maxEntries }, (_, i) => ({
            name: `xl/p${i}.xml`,
            data: Buffer.from("x"),
          })),
        ]),
    ],
  ];

  it.each(cases)("%s", async (_, make) => {
    const body = make();
    const expected = refusal(body).message;
    expect((await readRefusal(body)).message).toBe(expected);
  });

  it("turns a workbook part exceljs cannot parse into the same error, not a crash", async () => {
    const body = zip([
      { name: "[Content_Types].xml", data: Buffer.from("junk") },
      { name: "xl/workbook.xml", data: Buffer.from("<<<not xml") },
    ]);
    expect(() => checkXlsxContainer(body, SPREADSHEET_LIMITS)).not.toThrow();
    expect((await readRefusal(body)).message).toMatch(/^The workbook could not be read: /);
  });
});
