import { AppError } from "../errors";

export interface OdsContentLimits {
  /** Cells holding a value, counted after OpenDocument's repeat attributes are expanded. */
  maxCells: number;
  /**
   * Rows a value may sit in (the reader places a cell at its row: a value below a row
   * repeated four billion times is a four-billion-long array to walk). Default: no limit.
   */
  maxRows?: number;
}

/**
 * Array (matrix) formulas: the reader checks every later cell against each of them, so
 * 60,000 of them in a 67 KB file cost it half a minute. Few sheets have more than a handful.
 */
export const MAX_MATRIX_FORMULAS = 1000;

/**
 * A tag as SheetJS's OpenDocument reader finds it (its `xlmlregex`): any namespace prefix,
 * double-quoted attributes whose values may hold `>`. Counting with the reader's own idea
 * of a tag means a prefix, an odd quote or a `>` in a formula cannot hide a repeat.
 */
const TAG = /<(\/?)([^\s?><!/:"]*:|)([^\s?<>:/"]+)((?:\s+[^<>=?"'\s]+="[^"]*?")*)\s*(\/?)>/g;
const ATTRIBUTE = /\s+([^<>=?"'\s]+)="([^"]*?)"/g;
/** Attribute names whose presence makes a cell hold something (a value or a formula). */
const HOLDS_VALUE = /value|formula/;

/** The reader's name for a tag or attribute: no prefix, nothing after `_`, lower case. */
function localName(name: string): string {
  const colon = name.indexOf(":");
  const local = colon >= 0 ? name.slice(colon + 1) : name;
  return local.replace(/_[\s\S]*$/, "").toLowerCase();
}

function attributesOf(text: string): [string, string][] {
  return [...text.matchAll(ATTRIBUTE)].map((m) => [localName(m[1]!), m[2]!]);
}

/**
 * The largest repeat any spelling of the attribute asks for, read as the reader reads it
 * (rows with `+value`, columns with `parseInt`); 1 when absent.
 */
function repeat(attributes: [string, string][], name: string, read: (v: string) => number): number {
  let most = 1;
  for (const [key, value] of attributes) {
    if (key !== name) continue;
    const n = read(value);
    if (Number.isNaN(n)) continue;
    most = Math.max(most, n);
  }
  return most;
}

const ROW_TAGS = new Set(["table-row", "行"]);
const CELL_TAGS = new Set(["table-cell", "数据"]);

/**
 * Counts the cells an .ods `content.xml` holds once `number-rows-repeated` and
 * `number-columns-repeated` are expanded, before the reader expands them in memory:
 * one 200-byte row can declare a value repeated a million times over 16,384 columns.
 * Empty repeated cells (the styled rest of a sheet, as Calc and Gnumeric write it: a
 * self-closing cell without a value) cost the reader nothing and are not counted; any
 * other cell is, with the repeat of the row it sits in (a self-closing row's repeat
 * applies to the cells after it, as in the reader).
 */
export function checkOdsContent(xml: string, limits: OdsContentLimits): void {
  const maxRows = limits.maxRows ?? Infinity;
  let rowRepeat = 1;
  // The row the reader is at, as it counts: -1 at a table's start, moved on at `</row>`.
  let row = -1;
  let cells = 0;
  let matrices = 0;
  for (const m of xml.matchAll(TAG)) {
    const [, closing, , rawName = "", attributeText = "", selfClosing] = m;
    const name = localName(rawName);
    if (name === "table" && !closing && !selfClosing) {
      row = -1;
      continue;
    }
    if (ROW_TAGS.has(name)) {
      if (closing) {
        row += rowRepeat;
        rowRepeat = 1;
        continue;
      }
      const attributes = attributesOf(attributeText);
      const number = attributes.find(([key]) => key === "行号");
      if (number) row = +number[1] - 1;
      else if (row === -1) row = 0;
      rowRepeat = repeat(attributes, "number-rows-repeated", (v) => +v);
      continue;
    }
    if (!CELL_TAGS.has(name) || closing) continue;
    const attributes = attributesOf(attributeText);
    if (selfClosing && !attributes.some(([key]) => HOLDS_VALUE.test(key))) continue;
    const keys = new Set(attributes.map(([key]) => key));
    if (keys.has("number-matrix-columns-spanned") && keys.has("number-matrix-rows-spanned")) {
      if (++matrices > MAX_MATRIX_FORMULAS) {
        throw new AppError(
          "UNREADABLE_SPREADSHEET",
          `The spreadsheet holds more than ${MAX_MATRIX_FORMULAS} array formulas; at most ${MAX_MATRIX_FORMULAS} are accepted`,
        );
      }
    }
    const columns = repeat(attributes, "number-columns-repeated", (v) => parseInt(v, 10));
    cells += Math.max(1, rowRepeat) * columns;
    if (!(cells <= limits.maxCells)) {
      throw new AppError(
        "UNREADABLE_SPREADSHEET",
        `The spreadsheet holds more than ${limits.maxCells} cells with values (counting repeated cells); at most ${limits.maxCells} are accepted`,
      );
    }
    // NaN (a row number that is no number) is refused too.
    if (!(row + Math.max(1, rowRepeat) <= maxRows)) {
      throw new AppError(
        "UNREADABLE_SPREADSHEET",
        `The spreadsheet has a value below row ${maxRows}; at most ${maxRows} rows are accepted`,
      );
    }
  }
}
