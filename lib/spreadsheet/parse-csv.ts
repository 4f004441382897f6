/**
 * RFC 4180 CSV: fields separated by commas (or semicolons, as spreadsheets in many
 * locales save them, when the first line has more of them; or tabs, for TSV), quoted with ", a quote
 * inside a quoted field doubled, CRLF or LF line ends, an optional UTF-8 BOM. Pure.
 */
export type CsvResult = { ok: true; rows: string[][] } | { ok: false; message: string };

function separatorOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (c: string) => firstLine.split(c).length - 1;
  if (count("\t") > Math.max(count(","), count(";"))) return "\t";
  return count(";") > count(",") ? ";" : ",";
}

export function parseCsv(
  input: string,
  limits: { maxRows: number; maxColumns: number },
): CsvResult {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const separator = separatorOf(text);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  let problem: string | null = null;
  const endField = () => {
    row.push(field);
    field = "";
    if (row.length > limits.maxColumns) {
      problem = `row ${rows.length + 1} has more than ${limits.maxColumns} columns`;
    }
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
    if (rows.length > limits.maxRows) problem = `it has more than ${limits.maxRows} rows`;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
    } else if (c === separator) {
      endField();
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else {
      field += c;
    }
    i++;
    if (problem) return { ok: false, message: problem };
  }
  if (quoted)
    return { ok: false, message: `a quoted field in row ${rows.length + 1} is never closed` };
  if (field !== "" || row.length > 0) endRow();
  return problem ? { ok: false, message: problem } : { ok: true, rows };
}
