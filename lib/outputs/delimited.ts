/**
 * Rows of TSV and CSV text, fed in pieces as they arrive: only the rows asked for are
 * kept, so a page deep into a 50 MB file costs one pass and no more memory than the page.
 * CSV follows RFC 4180 (quoted fields may hold commas, quotes as "" and line breaks);
 * TSV splits on tabs, without quoting, as spreadsheets and most bioinformatics tools write it.
 */
/** A row (line) longer than this is refused rather than held in memory. */
export const MAX_ROW_CHARS = 1024 * 1024;

/**
 * The characters of cells a page of a table holds at most (2 Mi): the page ends before the
 * row that would pass it, so 5,000 rows of long cells never go to the browser whole. A row
 * is at most MAX_ROW_CHARS, so a page always holds at least one row.
 */
export const MAX_PAGE_CHARS = 2 * 1024 * 1024;

export class RowTooLongError extends Error {
  constructor() {
    super(`a row is longer than ${MAX_ROW_CHARS} characters: not a table to preview`);
    this.name = "RowTooLongError";
  }
}

export class DelimitedRows {
  private field = "";
  private row: string[] = [];
  private quoted = false;
  /** Inside quotes, a quote seen: either the end of the field or the first half of "". */
  private quoteSeen = false;
  private fieldStarted = false;
  private rowChars = 0;
  /** A skipped TSV row (before the page) has had something but \r so far. */
  private skippedContent = false;
  /** Data rows seen so far (the header excluded). */
  count = 0;
  /** Characters of the cells kept so far. */
  private pageChars = 0;
  /** The page ended before `limit` rows: the next row would have passed the budget. */
  cutByBudget = false;
  header: string[] | null = null;
  readonly rows: string[][] = [];

  constructor(
    private readonly delimiter: "," | "\t",
    /** Data rows to skip, then keep: [offset, offset + limit). */
    private readonly offset: number,
    private readonly limit: number,
    /** Characters of cells a page holds at most (MAX_PAGE_CHARS; smaller in tests). */
    private readonly maxPageChars = MAX_PAGE_CHARS,
  ) {}

  /**
   * True once the page is full and one more row was seen (so there is a next page), or once
   * the character budget ended the page.
   */
  get full(): boolean {
    return this.cutByBudget || this.count > this.offset + this.limit;
  }

  /** Where the next page starts; null when the rows ran out. */
  get nextOffset(): number | null {
    return this.full ? this.offset + this.rows.length : null;
  }

  push(text: string): void {
    const csv = this.delimiter === ",";
    for (let i = 0; i < text.length && !this.full; i++) {
      if (!csv && this.header !== null && this.count < this.offset && this.row.length === 0) {
        if (this.field === "") {
          i = this.skipLine(text, i);
          continue;
        }
      }
      const c = text[i] as string;
      if (++this.rowChars > MAX_ROW_CHARS) throw new RowTooLongError();
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false;
        } else if (c === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          this.field += c;
          continue;
        }
      }
      if (csv && c === '"' && !this.fieldStarted) {
        this.quoted = true;
        this.fieldStarted = true;
      } else if (c === this.delimiter) {
        this.endField();
      } else if (c === "\n") {
        this.endRow();
      } else if (c !== "\r") {
        this.field += c;
        this.fieldStarted = true;
      }
    }
  }

  /**
   * A TSV row before the page, skipped with indexOf rather than character by character
   * (a page deep into a large file). Returns the index of its line break, or the text's end.
   */
  private skipLine(text: string, from: number): number {
    const newline = text.indexOf("\n", from);
    const end = newline === -1 ? text.length : newline;
    const content = end - from > 1 || (end > from && text[from] !== "\r");
    this.skippedContent ||= content;
    this.rowChars += end - from;
    if (this.rowChars > MAX_ROW_CHARS) throw new RowTooLongError();
    if (newline === -1) return text.length;
    if (this.skippedContent) this.count += 1; // a blank line is no row
    this.skippedContent = false;
    this.rowChars = 0;
    return newline;
  }

  /** The last row when the text does not end with a line break. */
  end(): void {
    if (this.skippedContent) {
      this.count += 1;
      this.skippedContent = false;
    }
    if (this.quoteSeen) this.quoted = false;
    if (this.fieldStarted || this.row.length > 0) this.endRow();
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = "";
    this.fieldStarted = false;
  }

  private endRow(): void {
    this.endField();
    const row = this.row;
    this.row = [];
    this.rowChars = 0;
    if (row.length === 1 && row[0] === "") return; // blank line
    if (this.header === null) {
      this.header = row;
      return;
    }
    if (this.count >= this.offset && this.count < this.offset + this.limit) {
      const chars = row.reduce((sum, cell) => sum + cell.length, 0);
      if (this.rows.length > 0 && this.pageChars + chars > this.maxPageChars) {
        this.cutByBudget = true; // this row starts the next page
        return;
      }
      this.pageChars += chars;
      this.rows.push(row);
    }
    this.count += 1;
  }
}
