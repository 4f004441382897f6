/** Written in the hidden sheet; bump when the layout changes so old files are recognised. */
export const TEMPLATE_FORMAT = "runport-template/1";

/** Rows of a table sheet that carry dropdowns and type checks (more rows may be added). */
export const TEMPLATE_ROWS = 5000;

/** What an uploaded workbook or CSV may hold; beyond it the upload is refused with a 422. */
export const SPREADSHEET_LIMITS = {
  /** Parts of the ZIP (a workbook saved by Excel or LibreOffice has 10 to 30). */
  maxEntries: 500,
  /** All parts inflated: a 20,000-row sheet with long paths is about 15 MB. */
  maxInflatedBytes: 64 * 1024 * 1024,
  maxSheets: 50,
  /** Rows per sheet, the header included. */
  maxRows: 20_001,
  maxColumns: 200,
  /** An .xls (OLE, not compressed): its size bounds the reader's work. */
  maxXlsBytes: 32 * 1024 * 1024,
  /** Cells the reader builds: .ods values after repeats, .xlsx cell elements (styled too). */
  maxCells: 1_000_000,
} as const;
