import { describe, expect, it } from "vitest";
import { passesFilter, renderTemplate, templateSlots, valueAt } from "./template";

const event = {
  type: "t",
  id: "e1",
  payload: { run: "R1", lanes: 8, tags: ["a", "b"], meta: { "a/b": 1, "x~y": 2 }, ok: true },
};

describe("config templates", () => {
  it("keeps the JSON type of a whole-string substitution and writes scalars into text", () => {
    const { config, problems } = renderTemplate(
      {
        name: "run {{ /payload/run }} ({{/payload/lanes}} lanes, {{ /payload/ok }})",
        steps: "{{ /payload/lanes }}",
        tags: "{{ /payload/tags }}",
        nested: [{ id: "{{ /id }}" }],
        literal: 3,
      },
      event,
    );
    expect(problems).toEqual([]);
    expect(config).toEqual({
      name: "run R1 (8 lanes, true)",
      steps: 8,
      tags: ["a", "b"],
      nested: [{ id: "e1" }],
      literal: 3,
    });
  });

  it("reports a pointer with no value and an object written into text, with where", () => {
    const { problems } = renderTemplate(
      { a: "{{ /payload/none }}", b: "x {{ /payload/meta }}" },
      event,
    );
    expect(problems).toEqual([
      { path: "/a", message: "the event has no /payload/none" },
      { path: "/b", message: "/payload/meta is an object or array: it cannot go in text" },
    ]);
  });

  it("allows JSON Pointers only, escaped keys included", () => {
    expect(valueAt(event, "/payload/meta/a~1b")).toBe(1);
    expect(valueAt(event, "/payload/meta/x~0y")).toBe(2);
    expect(valueAt(event, "/payload/tags/1")).toBe("b");
    expect(valueAt(event, "/payload/tags/01")).toBeUndefined();
    expect(valueAt(event, "/payload/__proto__")).toBeUndefined();
    const { slots, problems } = templateSlots({
      a: "{{ /payload/run }}",
      b: "{{ payload.run }}",
      c: "{{ /x",
      "d/e": ["{{ process.exit() }}"],
    });
    expect(slots).toEqual(["/a", "/b", "/d~1e/0"]);
    expect(problems.map((p) => p.path)).toEqual(["/b", "/c", "/d~1e/0"]);
  });
});

describe("filters", () => {
  it("equals (JSON equality), in, and matches (strings only) must all hold", () => {
    expect(
      passesFilter([{ pointer: "/payload/meta", equals: { "x~y": 2, "a/b": 1 } }], event),
    ).toBe(true);
    expect(passesFilter([{ pointer: "/payload/lanes", in: [4, 8] }], event)).toBe(true);
    expect(passesFilter([{ pointer: "/payload/lanes", in: ["8"] }], event)).toBe(false);
    expect(passesFilter([{ pointer: "/payload/run", matches: "^R[0-9]$" }], event)).toBe(true);
    expect(passesFilter([{ pointer: "/payload/lanes", matches: "8" }], event)).toBe(false);
    expect(
      passesFilter(
        [
          { pointer: "/type", equals: "t" },
          { pointer: "/payload/missing", equals: null },
        ],
        event,
      ),
    ).toBe(false);
    expect(passesFilter([], event)).toBe(true);
  });
});
