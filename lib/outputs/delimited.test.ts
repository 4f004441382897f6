import { describe, expect, it } from "vitest";
import { DelimitedRows, MAX_PAGE_CHARS, MAX_ROW_CHARS, RowTooLongError } from "./delimited";
import { previewKind, rawMediaType, tableDelimiter } from "./preview-kind";

/** Feeds `text` in pieces of `size` characters. */
function read(text: string, delimiter: "," | "\t", offset: number, limit: number, size = 3) {
  const rows = new DelimitedRows(delimiter, offset, limit);
  for (let i = 0; i < text.length && !rows.full; i += size) rows.push(text.slice(i, i + size));
  if (!rows.full) rows.end();
  return rows;
}

describe("DelimitedRows", () => {
  it("pages TSV rows whatever the pieces' boundaries, and says when more follow", () => {
    const tsv = "a\tb\n" + Array.from({ length: 10 }, (_, i) => `${i}\tx${i}`).join("\r\n") + "\n";
    for (const size of [1, 2, 5, 1000]) {
      const page = read(tsv, "\t", 3, 4, size);
      expect(page.header).toEqual(["a", "b"]);
      expect(page.rows).toEqual([
        ["3", "x3"],
        ["4", "x4"],
        ["5", "x5"],
        ["6", "x6"],
      ]);
      expect(page.full).toBe(true);
    }
    // Blank lines are no rows, skipped or not; the last row may lack its line break.
    for (const size of [1, 4, 1000]) {
      const sparse = read("h\n\n1\r\n\r\n\n2\n3\t\n\n4", "\t", 2, 5, size);
      expect(sparse.rows).toEqual([["3", ""], ["4"]]);
      expect(read("h\n1\n2", "\t", 2, 5, size).count).toBe(2);
    }
    const last = read(tsv, "\t", 8, 4);
    expect(last.rows.map((r) => r[0])).toEqual(["8", "9"]);
    expect(last.full).toBe(false);
  });

  it("reads CSV quotes, a last line without a line break, and skips blank lines", () => {
    const csv = 'n,c\n"a, b","say ""x"""\n\n"multi\nline",\nend,"q"';
    const page = read(csv, ",", 0, 10);
    expect(page.rows).toEqual([
      ["a, b", 'say "x"'],
      ["multi\nline", ""],
      ["end", "q"],
    ]);
    // TSV has no quoting: quotes are text.
    expect(read('h\n"a"\tb\n', "\t", 0, 10).rows).toEqual([['"a"', "b"]]);
  });

  it("refuses a row longer than the limit rather than holding it", () => {
    const rows = new DelimitedRows("\t", 0, 10);
    rows.push("h\n");
    expect(() => rows.push("x".repeat(MAX_ROW_CHARS + 1))).toThrow(RowTooLongError);
  });
});

describe("previewKind", () => {
  it("ends a page before the row that would pass the character budget; the next page has it", () => {
    // Rows of 300 Ki characters of cells: 6 fit in MAX_PAGE_CHARS (2 Mi), the 7th would not.
    const cell = "x".repeat(300 * 1024);
    const big = "id\tcell\n" + Array.from({ length: 8 }, (_, i) => `${i}\t${cell}\n`).join("");
    const first = read(big, "\t", 0, 200, 64 * 1024);
    expect(first.rows.map((r) => r[0])).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect([first.cutByBudget, first.nextOffset]).toEqual([true, 6]);
    expect(first.rows.flat().reduce((n, c) => n + c.length, 0)).toBeLessThanOrEqual(MAX_PAGE_CHARS);
    // The same with a budget of 1,000 characters and rows of 301: three rows a page.
    const tsv =
      "id\tcell\n" + Array.from({ length: 8 }, (_, i) => `${i}\t${"y".repeat(300)}\n`).join("");
    const page = (offset: number) => {
      const rows = new DelimitedRows("\t", offset, 200, 1000);
      rows.push(tsv);
      if (!rows.full) rows.end();
      return [rows.rows.map((r) => r[0]), rows.nextOffset];
    };
    expect(page(0)).toEqual([["0", "1", "2"], 3]);
    expect(page(3)).toEqual([["3", "4", "5"], 6]);
    expect(page(6)).toEqual([["6", "7"], null]);
    // Short rows: the row count ends the page, as before.
    const small = read("h\n1\n2\n3\n", "\t", 0, 2);
    expect([small.rows.length, small.cutByBudget, small.nextOffset]).toEqual([2, false, 2]);
  });

  it("goes by the extension, case aside; unknown and dotfiles have none", () => {
    expect(previewKind("qc.TSV")).toBe("table");
    expect(previewKind("a/b.csv")).toBe("table");
    expect(previewKind("x.json")).toBe("json");
    expect(previewKind("p.SVG")).toBe("image");
    expect(previewKind("r.htm")).toBe("html");
    expect(previewKind("README.md")).toBe("markdown");
    expect(previewKind("run.log")).toBe("text");
    expect(previewKind("x.bam")).toBeNull();
    expect(previewKind(".json")).toBeNull();
    expect(previewKind("dir.json/file")).toBeNull();
    expect(rawMediaType("p.svg")).toBe("image/svg+xml");
    expect(rawMediaType("x.json")).toBeNull();
    expect(tableDelimiter("x.csv")).toBe(",");
    expect(tableDelimiter("x.tab")).toBe("\t");
  });
});
