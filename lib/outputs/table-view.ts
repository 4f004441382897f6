/** Sorting and filtering a preview table's page, in the browser. */

/** Whether every non-empty cell of the column is a number: then it sorts as numbers. */
export function isNumericColumn(rows: string[][], column: number): boolean {
  let seen = false;
  for (const row of rows) {
    const cell = (row[column] ?? "").trim();
    if (cell === "") continue;
    if (!Number.isFinite(Number(cell))) return false;
    seen = true;
  }
  return seen;
}

/**
 * The rows containing `filter` (any cell, case aside), sorted by one column: numbers as
 * numbers, text by the locale, empty cells last either way. A stable sort: equal rows keep
 * the file's order.
 */
export function viewRows(
  rows: string[][],
  options: { filter: string; sortColumn: number | null; descending: boolean },
): string[][] {
  const needle = options.filter.trim().toLowerCase();
  const kept = needle
    ? rows.filter((row) => row.some((cell) => cell.toLowerCase().includes(needle)))
    : rows.slice();
  const column = options.sortColumn;
  if (column === null) return kept;
  const numeric = isNumericColumn(kept, column);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const sign = options.descending ? -1 : 1;
  return kept.sort((a, b) => {
    const x = (a[column] ?? "").trim();
    const y = (b[column] ?? "").trim();
    if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1;
    return sign * (numeric ? Number(x) - Number(y) : collator.compare(x, y));
  });
}
