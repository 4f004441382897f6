import { AppError } from "../errors";
import { checkOdsContent } from "./check-ods-content";
import {
  checkParts,
  checkXlsxContainer,
  inflateEntry,
  readDirectory,
  type ContainerLimits,
} from "./check-xlsx-container";

export type WorkbookFormat = "xlsx" | "ods" | "xls";

export interface WorkbookLimits extends ContainerLimits {
  /** Size of an .xls file (an OLE container, not compressed: its size is its work). */
  maxXlsBytes: number;
  /**
   * Cells the reader would build: in an .ods those holding a value once its repeat
   * attributes are expanded, in an .xlsx every `<c>` element of its worksheets.
   */
  maxCells: number;
}

/**
 * The rows of a sheet in .xlsx and Calc (1,048,576): an .ods value below them (a row
 * repeat or row number can place one four billion rows down) is refused before the reader
 * builds an array that long. Within them, the read sheets' own row limit says more.
 */
export const MAX_SHEET_ROWS = 1_048_576;

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP_MAGIC = 0x04034b50;
const ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet";
const WORKSHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/;
/** A cell element, with or without a namespace prefix (`<c r=…>`, `<x:c …/>`). */
const CELL_TAG = /<(?:[A-Za-z_][\w.-]*:)?c[\s/>]/g;

function unreadable(message: string): AppError {
  return new AppError("UNREADABLE_SPREADSHEET", message);
}

function checkOds(body: Buffer, limits: WorkbookLimits): void {
  const entries = readDirectory(body, limits);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const mimetype = byName.get("mimetype");
  const content = byName.get("content.xml");
  checkParts(body, entries, limits);
  if (!mimetype || !content || inflateEntry(body, mimetype).toString("latin1") !== ODS_MIMETYPE) {
    throw unreadable("The file is an OpenDocument file but not a spreadsheet (.ods)");
  }
  checkOdsContent(inflateEntry(body, content).toString("utf8"), {
    maxCells: limits.maxCells,
    maxRows: MAX_SHEET_ROWS,
  });
}

/**
 * Counts the cell elements of an .xlsx's worksheets (every part already inflated within
 * its cap): SheetJS builds an object per cell, about 5 s and 150 MB per million on our
 * machine, so a 10 MB upload of small cells must not reach it.
 */
function checkXlsxCells(body: Buffer, limits: WorkbookLimits): void {
  let cells = 0;
  for (const entry of readDirectory(body, limits)) {
    if (!WORKSHEET_PART.test(entry.name)) continue;
    const xml = inflateEntry(body, entry).toString("latin1");
    CELL_TAG.lastIndex = 0;
    while (CELL_TAG.exec(xml)) {
      if (++cells > limits.maxCells) {
        throw unreadable(
          `The workbook holds more than ${limits.maxCells} cells; at most ${limits.maxCells} are accepted`,
        );
      }
    }
  }
}

/**
 * Says which workbook format a body holds, by its content (never its name), after the
 * checks that keep the reader's work bounded: for .xlsx and .ods (ZIPs) the part
 * count, the real inflated sizes and the cells the reader would build (for .ods, after
 * its repeat attributes are expanded); for .xls (OLE) the file size. Anything else is a 422 that says what it is.
 */
export function checkWorkbookContainer(body: Buffer, limits: WorkbookLimits): WorkbookFormat {
  if (body.subarray(0, 8).equals(OLE_MAGIC)) {
    if (body.length > limits.maxXlsBytes) {
      throw unreadable(
        `The .xls file is ${body.length} bytes; at most ${limits.maxXlsBytes} are accepted`,
      );
    }
    return "xls";
  }
  if (body.length >= 22 && body.readUInt32LE(0) === ZIP_MAGIC) {
    const names = new Set(readDirectory(body, limits).map((e) => e.name));
    if (names.has("content.xml") && !names.has("xl/workbook.xml")) {
      checkOds(body, limits);
      return "ods";
    }
  }
  checkXlsxContainer(body, limits);
  checkXlsxCells(body, limits);
  return "xlsx";
}
