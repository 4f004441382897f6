import { describe, expect, it } from "vitest";
import { parseCsv } from "./parse-csv";

const LIMITS = { maxRows: 100, maxColumns: 20 };

function rows(input: string, limits = LIMITS): string[][] {
  const result = parseCsv(input, limits);
  if (!result.ok) throw new Error(`expected rows, got: ${result.message}`);
  return result.rows;
}

function failure(input: string, limits = LIMITS): string {
  const result = parseCsv(input, limits);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.rows)}`);
  return result.message;
}

describe("parseCsv: fields", () => {
  it("splits plain rows on commas", () => {
    expect(rows("a,b,c\n1,2,3")).toEqual([
      ["a", "b", "c"],
      ["1", "2", "3"],
    ]);
  });

  it("keeps commas inside quoted fields", () => {
    expect(rows('name,note\nx,"one, two, three"\n')).toEqual([
      ["name", "note"],
      ["x", "one, two, three"],
    ]);
  });

  it("turns doubled quotes inside a quoted field into one quote", () => {
    expect(rows('"say ""hi""",b\n')).toEqual([['say "hi"', "b"]]);
    expect(rows('""""\n')).toEqual([['"']]);
  });

  it("keeps line breaks inside quoted fields", () => {
    expect(rows('a,"line 1\nline 2",c\r\nd,"x\r\ny",f\r\n')).toEqual([
      ["a", "line 1\nline 2", "c"],
      ["d", "x\r\ny", "f"],
    ]);
  });

  it("reads an empty quoted field and empty fields between separators", () => {
    expect(rows('a,"",c\n,,\n')).toEqual([
      ["a", "", "c"],
      ["", "", ""],
    ]);
  });

  it("keeps a quote that is not at the start of a field as text", () => {
    expect(rows('5" floppy,b\n')).toEqual([['5" floppy', "b"]]);
  });

  it("keeps spaces around fields (trimming is the converter's job)", () => {
    expect(rows(" a , b \n")).toEqual([[" a ", " b "]]);
  });
});

describe("parseCsv: line ends and encodings", () => {
  it("accepts CRLF, LF and lone CR line ends", () => {
    const expected = [
      ["a", "b"],
      ["1", "2"],
    ];
    expect(rows("a,b\r\n1,2\r\n")).toEqual(expected);
    expect(rows("a,b\n1,2\n")).toEqual(expected);
    expect(rows("a,b\r1,2\r")).toEqual(expected);
  });

  it("adds no empty row for a trailing newline, with or without it", () => {
    expect(rows("a,b\n1,2\n")).toEqual(rows("a,b\n1,2"));
    expect(rows("a,b\n1,2\n")).toHaveLength(2);
  });

  it("drops a UTF-8 byte order mark from the first header", () => {
    const parsed = rows("\uFEFFfastqPath,fastqCode\nx.fq,R1\n");
    expect(parsed[0]).toEqual(["fastqPath", "fastqCode"]);
    expect(parsed[0]![0]!.charCodeAt(0)).toBe("f".charCodeAt(0));
  });

  it("reads an empty input as no rows", () => {
    expect(rows("")).toEqual([]);
    expect(rows("\uFEFF")).toEqual([]);
  });

  it("keeps non-ASCII text", () => {
    expect(rows("name\nRéka Ōtsuka 测试\n")).toEqual([["name"], ["Réka Ōtsuka 测试"]]);
  });
});

describe("parseCsv: separators", () => {
  it("uses semicolons when the first line has more of them than commas", () => {
    expect(rows("path;code;note\nx.fq;R1;1,5\n")).toEqual([
      ["path", "code", "note"],
      ["x.fq", "R1", "1,5"],
    ]);
  });

  it("keeps commas when they outnumber semicolons on the first line", () => {
    expect(rows("a,b,c;d\n1,2,3\n")).toEqual([
      ["a", "b", "c;d"],
      ["1", "2", "3"],
    ]);
  });

  it("reads TSV: tabs when the first line has more of them than commas and semicolons", () => {
    expect(rows("sample\tfastq_1\tnote\ns1\ta.fq\t1,5; 2\n")).toEqual([
      ["sample", "fastq_1", "note"],
      ["s1", "a.fq", "1,5; 2"],
    ]);
  });

  it("quotes semicolons inside semicolon-separated fields", () => {
    expect(rows('a;b\n"x;y";z\n')).toEqual([
      ["a", "b"],
      ["x;y", "z"],
    ]);
  });
});

describe("parseCsv: errors and limits", () => {
  it("refuses a quoted field that is never closed, naming its row", () => {
    expect(failure('a,b\n"open,x\n')).toBe("a quoted field in row 2 is never closed");
    expect(failure('"never closed')).toBe("a quoted field in row 1 is never closed");
  });

  it("accepts exactly the row limit", () => {
    expect(rows("1\n2\n3\n", { maxRows: 3, maxColumns: 5 })).toHaveLength(3);
  });

  it("refuses more rows than the limit", () => {
    const input = Array.from({ length: 10 }, (_, i) => `${i}\n`).join("");
    expect(failure(input, { maxRows: 3, maxColumns: 5 })).toBe("it has more than 3 rows");
  });

  it("stops reading at the row limit instead of parsing the whole input", () => {
    // A broken quote far past the limit: a reader that went on would report it instead.
    const input = `${"x\n".repeat(1_000_000)}"never closed`;
    expect(failure(input, { maxRows: 10, maxColumns: 5 })).toBe("it has more than 10 rows");
  });

  it("accepts exactly the column limit", () => {
    expect(rows("a,b,c\n", { maxRows: 5, maxColumns: 3 })).toEqual([["a", "b", "c"]]);
  });

  it("counts a row's last field against the column limit", () => {
    expect(failure("a,b,c\n", { maxRows: 5, maxColumns: 2 })).toBe("row 1 has more than 2 columns");
  });

  it("counts the last row against the row limit when the file has no final newline", () => {
    expect(failure("a\nb\nc\nd", { maxRows: 3, maxColumns: 5 })).toBe("it has more than 3 rows");
  });

  it("refuses a row well over the column limit, naming the row", () => {
    expect(failure("a,b\n1,2,3,4,5,6\n", { maxRows: 5, maxColumns: 3 })).toBe(
      "row 2 has more than 3 columns",
    );
  });
});
