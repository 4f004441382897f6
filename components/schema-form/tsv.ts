/**
 * Tab-separated text as spreadsheets put it on the clipboard (Excel, LibreOffice, Google
 * Sheets): rows end with CRLF, LF or CR; a field that starts with a double quote is quoted and
 * may hold tabs, line breaks and "" for one quote. A trailing line break ends the last row; it
 * does not start an empty one. Rows may have different lengths (ragged): callers decide.
 */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let index = 0;
  let fieldStart = true;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = "";
    fieldStart = true;
  };
  while (index < text.length) {
    const char = text[index]!;
    if (fieldStart && char === '"') {
      // Quoted field: up to the quote that is not doubled; text after it is kept as written.
      index++;
      for (;;) {
        const quote = text.indexOf('"', index);
        if (quote === -1) {
          field += text.slice(index);
          index = text.length;
          break;
        }
        field += text.slice(index, quote);
        if (text[quote + 1] === '"') {
          field += '"';
          index = quote + 2;
        } else {
          index = quote + 1;
          break;
        }
      }
      fieldStart = false;
      continue;
    }
    fieldStart = false;
    if (char === "\t") {
      row.push(field);
      field = "";
      fieldStart = true;
      index++;
    } else if (char === "\r" || char === "\n") {
      endRow();
      index += char === "\r" && text[index + 1] === "\n" ? 2 : 1;
    } else {
      field += char;
      index++;
    }
  }
  // Text not ending in a line break: its last row ends here.
  if (!fieldStart || row.length > 0) endRow();
  return rows;
}

/** A field as spreadsheets write it: quoted when it holds a tab, a line break or a quote. */
function writeField(field: string): string {
  return /[\t\r\n"]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** Rows as TSV, CRLF between rows (as Excel writes; no line break after the last row). */
export function writeTsv(rows: ReadonlyArray<ReadonlyArray<string>>): string {
  return rows.map((row) => row.map(writeField).join("\t")).join("\r\n");
}
