import { describe, expect, it } from "vitest";
import { locatePath, locateRows, skipValue } from "./locate-path";

const text = `{
  "a": "x\\"}]",
  "list": [ {"k": [1, 2]}, "s", 3 ],
  "esc\\u0041": true,
  "o": { "deep": null }
}`;

const at = (offset: number, length: number) => text.slice(offset, offset + length);

describe("locating a value by walking its path", () => {
  it("finds members past strings holding brackets, array items, escaped keys", () => {
    const a = locatePath(text, ["a"]);
    expect(a?.found && at(a.value.offset, a.value.length)).toBe('"x\\"}]"');
    expect(a?.found && text.slice(a.value.keyOffset, a.value.keyOffset! + 3)).toBe('"a"');
    const item = locatePath(text, ["list", 0, "k"]);
    expect(item?.found && at(item.value.offset, item.value.length)).toBe("[1, 2]");
    const third = locatePath(text, ["list", 2]);
    expect(third?.found && at(third.value.offset, third.value.length)).toBe("3");
    expect(third?.found && third.value.keyOffset).toBeUndefined();
    const escaped = locatePath(text, ["escA"]);
    expect(escaped?.found && at(escaped.value.offset, escaped.value.length)).toBe("true");
    const deep = locatePath(text, ["o", "deep"]);
    expect(deep?.found && deep.parentOffset).toBe(text.indexOf('{ "deep"'));
  });

  it("gives the container a missing value would go in", () => {
    const missing = locatePath(text, ["o", "nope"]);
    expect(missing?.found).toBe(false);
    expect(missing && !missing.found && at(missing.parent.offset, missing.parent.length)).toBe(
      '{ "deep": null }',
    );
    const root = locatePath(text, ["zz", "y"]);
    expect(root && !root.found && root.parent.offset).toBe(0);
    expect(locatePath("[1", ["a"])).toBeNull();
    expect(locatePath("", ["a"])).toBeNull();
  });

  it("counts an array's rows and locates those asked for", () => {
    const rows = locateRows(text, ["list"], [1, 2, 7]);
    expect(rows?.count).toBe(3);
    expect([...rows!.rows.entries()].map(([i, s]) => [i, at(s.offset, s.length)])).toEqual([
      [1, '"s"'],
      [2, "3"],
    ]);
    expect(locateRows(text, ["a"], [0])).toBeNull();
    expect(locateRows('{"e": []}', ["e"], [0])?.count).toBe(0);
    expect(skipValue("-1.5e3,", 0)).toBe(6);
  });
});
