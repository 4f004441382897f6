import ExcelJS from "exceljs";
import { cellOf } from "@/lib/spreadsheet/cell-values";
import { listAtPath } from "@/lib/schema/list-keyword";
import {
  columnLetters,
  LISTS_SHEET,
  META_SHEET,
  README_SHEET,
  RUN_SHEET,
  workbookLayout,
  typeLabel,
  type LayoutField,
  type WorkbookLayout,
} from "@/lib/spreadsheet/layout";
import { heightFor, noteOf, numberFormat, validationOf, valueAt, widthFor } from "./template-cells";
import { TEMPLATE_FORMAT, TEMPLATE_ROWS } from "./template-format";
import type { TemplateList } from "./template-lists";
import { readmeLines } from "./template-readme";

export interface TemplateOptions {
  name: string;
  version: string;
  schema: Record<string, unknown>;
  /** Prefill the sheets with this config (the pipeline's example); blank when absent. */
  prefill?: unknown;
  /** Values of the reference lists its fields name (`x-runport-list`), for their dropdowns. */
  lists?: TemplateList[];
}

const solid = (argb: string): ExcelJS.Fill => ({
  type: "pattern",
  pattern: "solid",
  fgColor: { argb },
});
const HEADER_FILL = solid("FFDDE7F3");
const REQUIRED_FILL = solid("FFFBE3C4");
/** Optional columns stay unshaded: the shaded ones are the ones to fill in. */
const OPTIONAL_FILL: ExcelJS.Fill = { type: "pattern", pattern: "none" };

/** The worksheet API exceljs has but does not type: one validation for a whole range. */
interface RangeValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

class TemplateWriter {
  readonly workbook = new ExcelJS.Workbook();
  private readonly tables: [sheet: string, property: string][] = [];
  /** Enum lists for dropdowns, written to the hidden sheet at the end (from column E). */
  private readonly lists: { header: string; values: unknown[] }[] = [];

  constructor(
    readonly options: TemplateOptions,
    readonly layout: WorkbookLayout,
  ) {
    this.workbook.creator = "Runport";
    this.workbook.created = new Date(0);
    this.workbook.modified = new Date(0);
    const readme = this.workbook.addWorksheet(README_SHEET);
    readme.getColumn(1).width = 110;
    readme.getColumn(1).alignment = { wrapText: true, vertical: "top" };
    for (const line of readmeLines(options, layout)) {
      const row = readme.addRow([line.text]);
      row.height = heightFor(line.text, 110);
      if (line.heading) row.font = { bold: true, size: line.heading === 1 ? 14 : 12 };
    }
  }

  /** A list range in the hidden sheet holding the enum's values, for a dropdown. */
  private listRangeFor(field: LayoutField): string | undefined {
    const values = field.field.enum;
    if (!values || values.length === 0 || field.list) return undefined;
    this.lists.push({ header: field.header, values });
    const letter = columnLetters(4 + this.lists.length);
    return `'${META_SHEET}'!$${letter}$2:$${letter}$${values.length + 1}`;
  }

  /** Columns of the hidden `_lists` sheet, one per reference list (written at the end). */
  private readonly referenceLists: TemplateList[] = [];

  /**
   * The dropdown of a value tied to a reference list: its values from the hidden `_lists`
   * sheet (Excel's inline lists stop at 255 characters). A list cut at TEMPLATE_LIST_VALUES
   * offers those and accepts any other value (the server checks it).
   */
  private referenceListValidation(path: (string | number)[]): ExcelJS.DataValidation | undefined {
    const name = listAtPath(this.options.schema, path);
    const list = name ? this.options.lists?.find((l) => l.name === name) : undefined;
    if (!list || list.values.length === 0) return undefined;
    let index = this.referenceLists.indexOf(list);
    if (index < 0) index = this.referenceLists.push(list) - 1;
    const letter = columnLetters(index + 1);
    return {
      type: "list",
      allowBlank: true,
      formulae: [`'${LISTS_SHEET}'!$${letter}$2:$${letter}$${list.values.length + 1}`],
      showErrorMessage: list.complete,
      errorStyle: "stop",
      error: `Pick a value of the list ${list.name}`,
    };
  }

  /** `path`: where the field's value sits in the config (a table's: in its first item). */
  private validate(
    sheet: ExcelJS.Worksheet,
    range: string,
    field: LayoutField,
    path: (string | number)[],
  ): void {
    const validation =
      (field.list ? undefined : this.referenceListValidation(path)) ??
      validationOf(field, this.listRangeFor(field));
    if (validation) (sheet as unknown as RangeValidations).dataValidations.add(range, validation);
  }

  addRunSheet(prefill: Record<string, unknown>): void {
    const sheet = this.workbook.addWorksheet(RUN_SHEET, {
      views: [{ state: "frozen", ySplit: 1, activeCell: "B2" }],
    });
    sheet.columns = [
      { header: "Field", width: 24 },
      { header: "Value", width: 40 },
      { header: "Required", width: 10 },
      { header: "Type", width: 22 },
      { header: "Description", width: 90 },
    ];
    styleHeader(sheet.getRow(1));
    this.layout.fields.forEach((field, i) => {
      const rowNumber = i + 2;
      const row = sheet.getRow(rowNumber);
      row.getCell(1).value = field.header;
      row.getCell(3).value = field.field.required ? "yes" : "no";
      row.getCell(4).value = typeLabel(field);
      row.getCell(5).value = field.field.description ?? "";
      row.getCell(5).alignment = { wrapText: true, vertical: "top" };
      row.height = heightFor(field.field.description ?? "", 90);
      const value = row.getCell(2);
      const format = numberFormat(field);
      if (format) value.numFmt = format;
      value.value = cellOf(valueAt(prefill, field.key), field);
      if (field.field.required) row.getCell(1).font = { bold: true };
      if (field.field.required) row.getCell(1).fill = REQUIRED_FILL;
      this.validate(sheet, `B${rowNumber}`, field, field.key);
    });
  }

  addTable(property: string, sheetName: string, columns: LayoutField[], items: unknown[]): void {
    const sheet = this.workbook.addWorksheet(sheetName, {
      views: [{ state: "frozen", ySplit: 1, activeCell: "A2" }],
    });
    const lastRow = TEMPLATE_ROWS + 1;
    columns.forEach((field, i) => {
      const column = sheet.getColumn(i + 1);
      column.width = widthFor(field, items);
      const format = numberFormat(field);
      if (format) column.numFmt = format;
      const header = sheet.getCell(1, i + 1);
      header.value = field.header;
      header.note = noteOf(field);
      const range = `${column.letter}2:${column.letter}${lastRow}`;
      this.validate(sheet, range, field, [property, 0, ...field.key]);
    });
    styleHeader(sheet.getRow(1));
    columns.forEach((field, i) => {
      sheet.getCell(1, i + 1).fill = field.field.required ? REQUIRED_FILL : OPTIONAL_FILL;
    });
    items.forEach((item, r) => {
      columns.forEach((field, c) => {
        sheet.getCell(r + 2, c + 1).value = cellOf(valueAt(item, field.key), field);
      });
    });
    this.tables.push([sheetName, property]);
  }

  /** The hidden sheet: template format, `pipeline@version`, table sheets, enum lists. */
  addMetaSheet(): void {
    const meta = this.workbook.addWorksheet(META_SHEET, { state: "hidden" });
    meta.addRows([
      ["template", TEMPLATE_FORMAT],
      ["pipeline", `${this.options.name}@${this.options.version}`],
      ...this.tables.map(([sheet, property]) => ["sheet", sheet, property]),
    ]);
    this.lists.forEach((list, i) => {
      meta.getCell(1, 5 + i).value = list.header;
      list.values.forEach((v, r) => (meta.getCell(r + 2, 5 + i).value = String(v)));
    });
  }

  /** The hidden sheet of reference-list values: a column per list, its name on top. */
  addListsSheet(): void {
    if (this.referenceLists.length === 0) return;
    const sheet = this.workbook.addWorksheet(LISTS_SHEET, { state: "hidden" });
    this.referenceLists.forEach((list, i) => {
      sheet.getCell(1, i + 1).value = list.name;
      list.values.forEach((v, r) => (sheet.getCell(r + 2, i + 1).value = v));
    });
  }
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.eachCell((cell) => (cell.fill = HEADER_FILL));
}

/** The prefill: the example when asked, else each field's default and `pipeline`. */
function prefillOf(options: TemplateOptions, layout: WorkbookLayout): Record<string, unknown> {
  if (typeof options.prefill === "object" && options.prefill !== null) {
    return options.prefill as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const field of layout.fields) {
    if (field.key.length === 1 && field.field.hasDefault) out[field.key[0]!] = field.field.default;
  }
  // A config that names its pipeline (the old portal's shape) names this version.
  if (layout.fields.some((f) => f.header === "pipeline" && f.kind === "string")) {
    out.pipeline = `${options.name}@${options.version}`;
  }
  return out;
}

/**
 * The .xlsx template of one pipeline version: README, "Run" (top-level fields), one
 * sheet per array of objects, a hidden sheet naming `pipeline@version`, and a hidden
 * sheet of the reference lists' values its dropdowns offer.
 */
export async function buildTemplate(options: TemplateOptions): Promise<Buffer> {
  const layout = workbookLayout(options.schema);
  const writer = new TemplateWriter(options, layout);
  const prefill = prefillOf(options, layout);
  writer.addRunSheet(prefill);
  for (const table of layout.tables) {
    const items = valueAt(prefill, [table.property]);
    writer.addTable(table.property, table.sheet, table.columns, Array.isArray(items) ? items : []);
  }
  writer.addMetaSheet();
  writer.addListsSheet();
  // Open on the "Run" sheet; the README comes first for whoever looks.
  writer.workbook.views = [
    { activeTab: 1, firstSheet: 0, visibility: "visible" } as ExcelJS.WorkbookView,
  ];
  return Buffer.from(await writer.workbook.xlsx.writeBuffer());
}
