import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RunTotal } from "./run-total";

const text = (total: number, totalIsLowerBound: boolean) =>
  renderToStaticMarkup(createElement(RunTotal, { total, totalIsLowerBound }));

describe("RunTotal", () => {
  it("says an exact count as it is, and a capped one as a lower bound", () => {
    expect(text(1, false)).toBe("1 run");
    expect(text(9876, false)).toBe("9,876 runs");
    expect(text(10000, true)).toBe("more than 10,000 runs");
  });
});
