import { describe, expect, it } from "vitest";
import { decodeAuditCursor, encodeAuditCursor, parseAuditTarget } from "./audit-cursor";

describe("audit cursors", () => {
  it("round-trips the (at, id) of an event", () => {
    const cursor = { at: new Date("2026-12-06T05:04:18.123Z"), id: 42 };
    expect(decodeAuditCursor(encodeAuditCursor(cursor))).toEqual(cursor);
  });

  it("refuses text this server did not make", () => {
    const encode = (text: string) => Buffer.from(text).toString("base64url");
    for (const text of [
      "",
      "nonsense",
      encode("12"),
      encode("12.0"),
      encode("-1.5"),
      encode("1.2.3"),
    ]) {
      expect(decodeAuditCursor(text)).toBeNull();
    }
  });
});

describe("audit targets", () => {
  it("reads type:id, or a bare id of any type", () => {
    expect(parseAuditTarget("user:alice")).toEqual({ type: "user", id: "alice" });
    expect(parseAuditTarget("run:01m87ckxvcds6fp772khzjgxz4")).toEqual({
      type: "run",
      id: "01m87ckxvcds6fp772khzjgxz4",
    });
    expect(parseAuditTarget("17")).toEqual({ id: "17" });
  });

  it("refuses unknown types and characters no id has", () => {
    for (const text of ["pipeline:hello", "user:", "a b", "x".repeat(65), "user:al'ice"]) {
      expect(parseAuditTarget(text)).toBeNull();
    }
  });
});
