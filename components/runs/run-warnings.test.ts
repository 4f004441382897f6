import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RunWarnings } from "./run-warnings";

describe("RunWarnings", () => {
  it("lists each warning with its pointer and where it was (line and column, or cell)", () => {
    const html = renderToStaticMarkup(
      createElement(RunWarnings, {
        warnings: [
          { path: "/patCode", message: "is not declared", line: 12, column: 5 },
          {
            path: "/dataFiles/0/rgks",
            message: "is not declared",
            sheet: "x",
            cell: "dataFiles!H2",
          },
        ],
      }),
    );
    expect(html).toContain("2 warnings at submission");
    expect(html).toContain("<code");
    expect(html).toContain("/patCode</code> (line 12, column 5): is not declared");
    expect(html).toContain("/dataFiles/0/rgks</code> (dataFiles!H2): is not declared");
  });

  it("shows nothing for a run without warnings", () => {
    expect(renderToStaticMarkup(createElement(RunWarnings, { warnings: [] }))).toBe("");
  });
});
