import { describe, expect, it } from "vitest";
import { wellFormed } from "./well-formed";

describe("wellFormed", () => {
  it("replaces lone surrogates and keeps pairs and plain text", () => {
    expect(wellFormed("a\ud800b")).toBe("a\ufffdb");
    expect(wellFormed("\udc00x\ud800")).toBe("\ufffdx\ufffd");
    expect(wellFormed("ok 😀 é")).toBe("ok 😀 é");
  });
});
