import { AppError } from "../errors";

export interface OdsContentLimits {
  /** Cells holding a value, counted after OpenDocument's repeat attributes are expanded. */
  maxCells: number;
}

/** `<table:table-row …>`, `<table:table-cell …/>`, `</table:table-row>` and the like. */
const TAG = /<(\/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(\/?)>/g;
const ROWS_REPEATED = /table:number-rows-repeated\s*=\s*"(\d+)"/;
const COLUMNS_REPEATED = /table:number-columns-repeated\s*=\s*"(\d+)"/;
const VALUE_TYPE = /office:value-type\s*=/;

function repeat(attributes: string, pattern: RegExp): number {
  const n = Number(pattern.exec(attributes)?.[1] ?? 1);
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

/**
 * Counts the cells an .ods `content.xml` holds once `number-rows-repeated` and
 * `number-columns-repeated` are expanded, before the reader expands them in memory:
 * one 200-byte row can declare a value repeated a million times over 16,384 columns.
 * Empty repeated cells (the styled rest of a sheet, as Calc and Gnumeric write it)
 * cost nothing and are not counted; a cell with a value or any content is.
 */
export function checkOdsContent(xml: string, limits: OdsContentLimits): void {
  let rowRepeat = 1;
  let cells = 0;
  for (const m of xml.matchAll(TAG)) {
    const [, closing, name, attributes = "", selfClosing] = m;
    if (closing) {
      if (name === "table-row") rowRepeat = 1;
      continue;
    }
    if (name === "table-row") {
      rowRepeat = repeat(attributes, ROWS_REPEATED);
      if (selfClosing) rowRepeat = 1;
    } else if (name !== "table") {
      const holdsValue = VALUE_TYPE.test(attributes) || !selfClosing;
      if (!holdsValue) continue;
      cells += rowRepeat * repeat(attributes, COLUMNS_REPEATED);
      if (cells > limits.maxCells) {
        throw new AppError(
          "UNREADABLE_SPREADSHEET",
          `The spreadsheet holds more than ${limits.maxCells} cells with values (counting repeated cells); at most ${limits.maxCells} are accepted`,
        );
      }
    }
  }
}
