import { describe, expect, it } from "vitest";
import { parseInline, parseMarkdown, safeHref } from "./markdown";

describe("parseMarkdown", () => {
  it("reads headings, paragraphs, lists, code and rules", () => {
    const blocks = parseMarkdown(
      "# Title\n\nSome *text* and **bold**\nwrapped.\n\n- one\n- two\n\n1. first\n\n```\n<b>x</b>\n```\n\n---\n> quoted\n",
    );
    expect(blocks.map((b) => b.type)).toEqual([
      "heading",
      "paragraph",
      "list",
      "list",
      "code",
      "rule",
      "quote",
    ]);
    expect(blocks[1]).toEqual({
      type: "paragraph",
      children: [
        { type: "text", text: "Some " },
        { type: "em", children: [{ type: "text", text: "text" }] },
        { type: "text", text: " and " },
        { type: "strong", children: [{ type: "text", text: "bold" }] },
        { type: "text", text: " wrapped." },
      ],
    });
    expect(blocks[4]).toEqual({ type: "code", text: "<b>x</b>" });
  });

  it("keeps raw HTML as text and drops links that are not http(s), mailto or relative", () => {
    expect(parseInline("<script>alert(1)</script>")).toEqual([
      { type: "text", text: "<script>alert(1)</script>" },
    ]);
    expect(parseInline("[x](javascript:alert(1))")).toEqual([
      { type: "text", text: "[x](javascript:alert(1)" },
      { type: "text", text: ")" },
    ]);
    expect(parseInline("[site](https://example.org/a)")).toEqual([
      { type: "link", href: "https://example.org/a", children: [{ type: "text", text: "site" }] },
    ]);
    for (const href of ["javascript:x", "JAVASCRIPT:x", "data:text/html,x", "vbscript:x", "//evil"])
      expect(safeHref(href)).toBe(false);
    for (const href of ["https://a", "mailto:a@b", "other.md", "#part", "/runs"])
      expect(safeHref(href)).toBe(true);
  });
});
