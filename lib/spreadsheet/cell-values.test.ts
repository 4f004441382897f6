import { describe, expect, it } from "vitest";
import { cellOf, convertCell, isEmptyCell, type CellContent } from "./cell-values";
import { workbookLayout, type LayoutField } from "./layout";

// One field of each kind, laid out from a real schema rather than built by hand.
const layout = workbookLayout({
  type: "object",
  properties: {
    count: { type: "integer" },
    ratio: { type: "number" },
    label: { type: "string" },
    paired: { type: "boolean" },
    day: { type: "string", format: "date" },
    at: { type: "string", format: "date-time" },
    lanes: { type: "array", items: { type: "integer" } },
    tags: { type: "array", items: { type: "string" } },
    extra: {},
  },
});

function field(header: string): LayoutField {
  const found = layout.fields.find((f) => f.header === header);
  if (!found) throw new Error(`no field ${header}`);
  return found;
}

function value(content: Exclude<CellContent, null>, header: string): unknown {
  const converted = convertCell(content, field(header));
  if (!converted.ok) throw new Error(`expected success, got: ${converted.message}`);
  return converted.value;
}

function failure(content: Exclude<CellContent, null>, header: string): string {
  const converted = convertCell(content, field(header));
  if (converted.ok) throw new Error(`expected a failure, got ${JSON.stringify(converted.value)}`);
  return converted.message;
}

describe("the layout used by these tests", () => {
  it("gives each field the kind its schema type implies", () => {
    expect(layout.fields.map((f) => [f.header, f.kind, f.list])).toEqual([
      ["count", "integer", undefined],
      ["ratio", "number", undefined],
      ["label", "string", undefined],
      ["paired", "boolean", undefined],
      ["day", "date", undefined],
      ["at", "date-time", undefined],
      ["lanes", "string", "integer"],
      ["tags", "string", "string"],
      ["extra", "any", undefined],
    ]);
  });
});

describe("convertCell: integers", () => {
  it("keeps a numeric cell holding a whole number", () => {
    expect(value(12, "count")).toBe(12);
    expect(value(0, "count")).toBe(0);
    expect(value(-3, "count")).toBe(-3);
  });

  it("reads whole numbers stored as text, trimmed", () => {
    expect(value("12", "count")).toBe(12);
    expect(value(" 7 ", "count")).toBe(7);
    expect(value("+5", "count")).toBe(5);
    expect(value("-40", "count")).toBe(-40);
  });

  it("refuses a fraction and names the value", () => {
    expect(failure(1.5, "count")).toBe("expected a whole number, got 1.5");
    expect(failure("1.5", "count")).toBe('expected a whole number, got "1.5"');
  });

  it("refuses text that is not a number, quoting it", () => {
    expect(failure("abc", "count")).toBe('expected a whole number, got "abc"');
    expect(failure("1e3", "count")).toBe('expected a whole number, got "1e3"');
  });

  it("refuses numbers beyond the safe integer range and booleans", () => {
    expect(failure(2 ** 53, "count")).toBe(`expected a whole number, got ${2 ** 53}`);
    expect(failure("9007199254740993", "count")).toBe(
      'expected a whole number, got "9007199254740993"',
    );
    expect(failure(true, "count")).toBe("expected a whole number, got true");
  });
});

describe("convertCell: numbers", () => {
  it("reads exponent and leading-dot notation from text", () => {
    expect(value("1e3", "ratio")).toBe(1000);
    expect(value(".5", "ratio")).toBe(0.5);
    expect(value("-2.5E-1", "ratio")).toBe(-0.25);
    expect(value(" 3 ", "ratio")).toBe(3);
  });

  it("keeps numeric cells as they are", () => {
    expect(value(0.1, "ratio")).toBe(0.1);
    expect(value(-7, "ratio")).toBe(-7);
  });

  it("refuses text that is not a number", () => {
    expect(failure("abc", "ratio")).toBe('expected a number, got "abc"');
    expect(failure("1,5", "ratio")).toBe('expected a number, got "1,5"');
    expect(failure("Infinity", "ratio")).toBe('expected a number, got "Infinity"');
    expect(failure("1e999", "ratio")).toBe('expected a number, got "1e999"');
  });
});

describe("convertCell: strings", () => {
  it("turns numeric cells into the text a person typed, without a trailing .0", () => {
    expect(value(12, "label")).toBe("12");
    expect(value(0.1, "label")).toBe("0.1");
    expect(value(7, "label")).toBe("7");
  });

  it("trims text and keeps booleans as words", () => {
    expect(value("  sample1 ", "label")).toBe("sample1");
    expect(value(true, "label")).toBe("true");
  });

  it("writes a date cell as a date, or a full timestamp when it has a time", () => {
    expect(value(new Date(Date.UTC(2024, 2, 1)), "label")).toBe("2024-03-01");
    expect(value(new Date(Date.UTC(2024, 2, 1, 10, 30)), "label")).toBe("2024-03-01T10:30:00.000Z");
  });
});

describe("convertCell: booleans", () => {
  it.each([
    ["TRUE", true],
    ["FALSE", false],
    ["true", true],
    ["yes", true],
    ["No", false],
    ["y", true],
    ["n", false],
    ["1", true],
    ["0", false],
    [" YES ", true],
  ])("reads the text %j as %s", (text, expected) => {
    expect(value(text, "paired")).toBe(expected);
  });

  it("reads boolean cells and the numbers 1 and 0", () => {
    expect(value(true, "paired")).toBe(true);
    expect(value(false, "paired")).toBe(false);
    expect(value(1, "paired")).toBe(true);
    expect(value(0, "paired")).toBe(false);
  });

  it("refuses anything else and says what is accepted", () => {
    expect(failure("maybe", "paired")).toBe('expected TRUE or FALSE (or yes/no, 1/0), got "maybe"');
    expect(failure(2, "paired")).toBe("expected TRUE or FALSE (or yes/no, 1/0), got 2");
  });
});

describe("convertCell: dates", () => {
  it("writes a date cell as YYYY-MM-DD", () => {
    expect(value(new Date(Date.UTC(2024, 2, 1)), "day")).toBe("2024-03-01");
  });

  it("keeps ISO date text", () => {
    expect(value("2024-03-01", "day")).toBe("2024-03-01");
    expect(value(" 2024-03-01 ", "day")).toBe("2024-03-01");
  });

  it("reads a spreadsheet serial number (days since 1899-12-30)", () => {
    expect(value(45352, "day")).toBe("2024-03-01");
    // A date-time serial keeps its day.
    expect(value(45352.75, "day")).toBe("2024-03-01");
  });

  it("refuses other text and out-of-range serials", () => {
    expect(failure("01/03/2024", "day")).toBe('expected a date (YYYY-MM-DD), got "01/03/2024"');
    expect(failure("tomorrow", "day")).toBe('expected a date (YYYY-MM-DD), got "tomorrow"');
    expect(failure("2024-13-45", "day")).toBe('expected a date (YYYY-MM-DD), got "2024-13-45"');
    expect(failure("2023-02-29", "day")).toBe('expected a date (YYYY-MM-DD), got "2023-02-29"');
    expect(failure(0, "day")).toBe("expected a date (YYYY-MM-DD), got 0");
    expect(failure(-5, "day")).toBe("expected a date (YYYY-MM-DD), got -5");
  });
});

describe("convertCell: date-times", () => {
  it("writes a date cell as a full ISO timestamp", () => {
    expect(value(new Date(Date.UTC(2024, 2, 1, 10, 0, 0)), "at")).toBe("2024-03-01T10:00:00.000Z");
  });

  it("keeps parseable timestamp text as typed", () => {
    expect(value("2024-03-01T10:00:00Z", "at")).toBe("2024-03-01T10:00:00Z");
  });

  it("refuses text that is no date and numbers", () => {
    expect(failure("nope", "at")).toBe(
      'expected a date and time (YYYY-MM-DDThh:mm:ssZ), got "nope"',
    );
    expect(failure("1", "at")).toBe('expected a date and time (YYYY-MM-DDThh:mm:ssZ), got "1"');
    expect(failure(45352, "at")).toBe("expected a date and time (YYYY-MM-DDThh:mm:ssZ), got 45352");
  });
});

describe("convertCell: comma-separated lists", () => {
  it("splits, trims and converts each element, skipping empty parts", () => {
    expect(value("1, 2,3", "lanes")).toEqual([1, 2, 3]);
    expect(value("1,,2, ", "lanes")).toEqual([1, 2]);
    expect(value(7, "lanes")).toEqual([7]);
    expect(value("a, b c ,d", "tags")).toEqual(["a", "b c", "d"]);
  });

  it("names the bad element of a list", () => {
    expect(failure("1,x,3", "lanes")).toBe(
      'in a comma-separated list, expected a whole number, got "x"',
    );
    expect(failure("1, 2.5", "lanes")).toBe(
      'in a comma-separated list, expected a whole number, got "2.5"',
    );
  });
});

describe("convertCell: fields of any type", () => {
  it("keeps the cell's own type", () => {
    expect(value(3, "extra")).toBe(3);
    expect(value(true, "extra")).toBe(true);
    expect(value(" text ", "extra")).toBe("text");
    expect(value(new Date(Date.UTC(2024, 2, 1)), "extra")).toBe("2024-03-01");
  });
});

describe("isEmptyCell", () => {
  it("counts nothing, empty text and blanks as empty", () => {
    expect(isEmptyCell(null)).toBe(true);
    expect(isEmptyCell("")).toBe(true);
    expect(isEmptyCell("  ")).toBe(true);
    expect(isEmptyCell("\t\n")).toBe(true);
  });

  it("counts zero, false and text as content", () => {
    expect(isEmptyCell(0)).toBe(false);
    expect(isEmptyCell(false)).toBe(false);
    expect(isEmptyCell(" x ")).toBe(false);
    expect(isEmptyCell(new Date(0))).toBe(false);
  });
});

describe("cellOf", () => {
  it("writes nothing for absent values", () => {
    expect(cellOf(undefined, field("label"))).toBeNull();
    expect(cellOf(null, field("label"))).toBeNull();
  });

  it("writes scalars as they are and ISO dates as date cells", () => {
    expect(cellOf("x", field("label"))).toBe("x");
    expect(cellOf(12, field("count"))).toBe(12);
    expect(cellOf(false, field("paired"))).toBe(false);
    expect(cellOf("2024-03-01", field("day"))).toEqual(new Date(Date.UTC(2024, 2, 1)));
    expect(cellOf("not a date", field("day"))).toBe("not a date");
  });

  it("joins lists with commas and writes objects as JSON", () => {
    expect(cellOf([1, 2, 3], field("lanes"))).toBe("1, 2, 3");
    expect(cellOf({ a: 1 }, field("extra"))).toBe('{"a":1}');
  });

  it("is undone by convertCell", () => {
    for (const [header, json] of [
      ["count", 42],
      ["ratio", 0.25],
      ["label", "=SUM(A1)"],
      ["paired", true],
      ["day", "2024-03-01"],
      ["at", "2024-03-01T10:00:00Z"],
      ["lanes", [1, 2, 3]],
      ["tags", ["a", "b"]],
    ] as const) {
      const cell = cellOf(json, field(header));
      expect(cell, header).not.toBeNull();
      expect(value(cell!, header), header).toEqual(json);
    }
  });
});
