import { inflateRawSync } from "node:zlib";
import { AppError } from "../errors";

/**
 * Checks that a body is an .xlsx (a ZIP holding a workbook) whose parts really
 * inflate to at most the declared sizes, before the reader inflates them in memory: a
 * zip bomb, an encrypted workbook (an OLE file), an old .xls, an .ods or a broken
 * ZIP each get a 4xx that says so, never a crash or a memory blow-up.
 */
export interface ContainerLimits {
  /** Entries in the ZIP. */
  maxEntries: number;
  /** Sum of the inflated sizes of all entries. */
  maxInflatedBytes: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

function unreadable(message: string): AppError {
  return new AppError("UNREADABLE_SPREADSHEET", message);
}

function findEndOfDirectory(body: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const lowest = Math.max(0, body.length - 22 - 0xffff);
  for (let at = body.length - 22; at >= lowest; at--) {
    if (body.readUInt32LE(at) === END_OF_DIRECTORY) return at;
  }
  return -1;
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  inflatedSize: number;
  localOffset: number;
}

/** The central directory's entries; refuses ZIP64, too many parts, encryption, odd methods. */
export function readDirectory(body: Buffer, limits: ContainerLimits): ZipEntry[] {
  const end = findEndOfDirectory(body);
  if (end < 0) throw unreadable("The file is a broken ZIP: its central directory is missing");
  const count = body.readUInt16LE(end + 10);
  const directoryOffset = body.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) {
    throw unreadable("The file is a ZIP64 archive; a workbook this large is not accepted");
  }
  if (count > limits.maxEntries) {
    throw unreadable(`The workbook has ${count} parts; at most ${limits.maxEntries} are accepted`);
  }
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > body.length || body.readUInt32LE(at) !== CENTRAL_HEADER) {
      throw unreadable("The file is a broken ZIP: its central directory is damaged");
    }
    const flags = body.readUInt16LE(at + 8);
    const nameLength = body.readUInt16LE(at + 28);
    const entry: ZipEntry = {
      method: body.readUInt16LE(at + 10),
      compressedSize: body.readUInt32LE(at + 20),
      inflatedSize: body.readUInt32LE(at + 24),
      localOffset: body.readUInt32LE(at + 42),
      name: body.toString("utf8", at + 46, at + 46 + nameLength),
    };
    if (flags & 1) throw unreadable("The workbook is encrypted: save it without a password");
    if (entry.method !== 0 && entry.method !== 8) {
      throw unreadable(`The ZIP part "${entry.name}" uses an unsupported compression method`);
    }
    entries.push(entry);
    at += 46 + nameLength + body.readUInt16LE(at + 30) + body.readUInt16LE(at + 32);
  }
  return entries;
}

/** Inflates one entry with a hard output cap: a part larger than declared is refused. */
export function inflateEntry(body: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localOffset;
  if (at + 30 > body.length || body.readUInt32LE(at) !== LOCAL_HEADER) {
    throw unreadable(`The file is a broken ZIP: the part "${entry.name}" is missing`);
  }
  const start = at + 30 + body.readUInt16LE(at + 26) + body.readUInt16LE(at + 28);
  const data = body.subarray(start, start + entry.compressedSize);
  if (data.length !== entry.compressedSize) {
    throw unreadable(`The file is a broken ZIP: the part "${entry.name}" is cut short`);
  }
  let inflated = data;
  if (entry.method === 8) {
    try {
      inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.inflatedSize) });
    } catch {
      throw unreadable(
        `The file is a broken or malicious ZIP: the part "${entry.name}" does not inflate to its declared size`,
      );
    }
  }
  if (inflated.length !== entry.inflatedSize) {
    throw unreadable(`The file is a broken ZIP: the part "${entry.name}" has the wrong size`);
  }
  return inflated;
}

/** Refuses parts that add up to more than the limit (declared), then inflates each, capped. */
export function checkParts(body: Buffer, entries: ZipEntry[], limits: ContainerLimits): void {
  const declared = entries.reduce((sum, e) => sum + e.inflatedSize, 0);
  if (declared > limits.maxInflatedBytes) {
    throw unreadable(
      `The workbook inflates to ${declared} bytes; at most ${limits.maxInflatedBytes} are accepted`,
    );
  }
  for (const entry of entries) inflateEntry(body, entry);
}

export function checkXlsxContainer(body: Buffer, limits: ContainerLimits): void {
  if (body.subarray(0, 8).equals(OLE_MAGIC)) {
    throw unreadable(
      "The file is an encrypted workbook or an old .xls file: save it as .xlsx (Excel 2007 or later) without a password",
    );
  }
  if (body.length < 22 || body.readUInt32LE(0) !== LOCAL_HEADER) {
    throw unreadable("The file is not an .xlsx workbook (it is not a ZIP file)");
  }
  const entries = readDirectory(body, limits);
  const names = new Set(entries.map((e) => e.name));
  if (!names.has("xl/workbook.xml") || !names.has("[Content_Types].xml")) {
    throw unreadable(
      names.has("content.xml")
        ? "The file is an OpenDocument spreadsheet (.ods): save it as .xlsx"
        : "The file is a ZIP but not an .xlsx workbook",
    );
  }
  checkParts(body, entries, limits);
}
