import { describe, expect, it } from "vitest";
import { describeStartFailure } from "./start-failure";

const fsError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("describeStartFailure", () => {
  it("says that the runs folder is full, and where", () => {
    const text = describeStartFailure(
      fsError("ENOSPC", "ENOSPC: no space left on device, write"),
      "/runs/R1/attempt-1",
    );
    expect(text).toMatch(/^No space left on device: .*\(\/runs\/R1\/attempt-1\)\. Free space/);
  });

  it("names an exceeded quota", () => {
    expect(describeStartFailure(fsError("EDQUOT", "EDQUOT"), "/w")).toMatch(/^Disk quota exceeded/);
  });

  it("keeps any other error's own message", () => {
    expect(describeStartFailure(new Error("spawn E2BIG"), "/w")).toBe("spawn E2BIG");
    expect(describeStartFailure("odd", "/w")).toBe("odd");
  });
});
