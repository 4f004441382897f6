import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTsv, writeTsv } from "./tsv";

describe("parseTsv", () => {
  it("splits rows and tabs, with CRLF, LF or CR line ends", () => {
    expect(parseTsv("a\tb\r\nc\td\ne\tf\rg\th")).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
      ["g", "h"],
    ]);
  });

  it("does not make a row of the trailing line break (as spreadsheets copy)", () => {
    expect(parseTsv("a\tb\r\nc\td\r\n")).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(parseTsv("")).toEqual([]);
    // One empty cell copied from Excel is a lone line break: one row with one empty field.
    expect(parseTsv("\r\n")).toEqual([[""]]);
  });

  it("keeps empty fields, and ragged rows as they are", () => {
    expect(parseTsv("a\t\tc\n\tx\nonly\n\t")).toEqual([
      ["a", "", "c"],
      ["", "x"],
      ["only"],
      ["", ""],
    ]);
  });

  it("reads Excel's quoting: tabs, line breaks and doubled quotes inside quotes", () => {
    const text = '"two\r\nlines"\t"tab\there"\t"say ""hi"""\r\nplain "quote"\t""\r\n';
    expect(parseTsv(text)).toEqual([
      ["two\r\nlines", "tab\there", 'say "hi"'],
      ['plain "quote"', ""],
    ]);
  });

  it("keeps text after a closing quote, and an unclosed quote to the end", () => {
    expect(parseTsv('"ab"c\td')).toEqual([["abc", "d"]]);
    expect(parseTsv('"open\tstill')).toEqual([["open\tstill"]]);
  });
});

describe("writeTsv", () => {
  it("quotes only fields that need it, CRLF between rows", () => {
    expect(
      writeTsv([
        ["a", "b c"],
        ["tab\tin", 'q"uote', "line\nbreak"],
      ]),
    ).toBe('a\tb c\r\n"tab\tin"\t"q""uote"\t"line\nbreak"');
  });

  it("round-trips through parseTsv", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "B", " ", "\t", "\n", "\r", '"', "é") });
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), {
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(rows, (table) => {
        // A lone empty field writes as nothing: an empty row, which TSV cannot tell from none.
        fc.pre(table.every((row) => row.length > 1 || row[0] !== ""));
        expect(parseTsv(writeTsv(table))).toEqual(table);
      }),
    );
  });
});
