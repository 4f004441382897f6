import { AppError } from "../errors";

export interface OdsContentLimits {
  /** Cells holding a value, counted after OpenDocument's repeat attributes are expanded. */
  maxCells: number;
}

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
  let rowRepeat = 1;
  let cells = 0;
  for (const m of xml.matchAll(TAG)) {
    const [, closing, , rawName = "", attributeText = "", selfClosing] = m;
    const name = localName(rawName);
    if (ROW_TAGS.has(name)) {
      rowRepeat = closing
        ? 1
        : repeat(attributesOf(attributeText), "number-rows-repeated", (v) => +v);
      continue;
    }
    if (!CELL_TAGS.has(name) || closing) continue;
    const attributes = attributesOf(attributeText);
    if (selfClosing && !attributes.some(([key]) => HOLDS_VALUE.test(key))) continue;
    const columns = repeat(attributes, "number-columns-repeated", (v) => parseInt(v, 10));
    cells += Math.max(1, rowRepeat) * columns;
    if (!(cells <= limits.maxCells)) {
      throw new AppError(
        "UNREADABLE_SPREADSHEET",
        `The spreadsheet holds more than ${limits.maxCells} cells with values (counting repeated cells); at most ${limits.maxCells} are accepted`,
      );
    }
  }
}
