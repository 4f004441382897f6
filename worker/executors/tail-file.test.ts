import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTempDir } from "@/test/temp-dir";
import { tailFile } from "./tail-file";

function readAll(file: string, start?: { lines: number; bytes: number }): Promise<string> {
  const stream = tailFile(file, Promise.resolve(), { intervalMs: 10, ...(start ? { start } : {}) });
  let text = "";
  stream.on("data", (chunk: string) => (text += chunk));
  return new Promise((resolve) => stream.on("end", () => resolve(text)));
}

/** Line ends as the log counts them: \n, \r\n (one), a lone \r (one). */
function writeOutput(): string {
  const file = path.join(testTempDir("tail-start"), "out.log");
  writeFileSync(file, "one\r\ntwo\rthree\nfo✓r");
  return file;
}

describe("tailFile from where a log stands (a Slurm job taken up by another worker)", () => {
  it("starts after that many line ends, then the bytes of the unfinished line", async () => {
    const file = writeOutput();
    expect(await readAll(file)).toBe("one\r\ntwo\rthree\nfo✓r");
    expect(await readAll(file, { lines: 0, bytes: 0 })).toBe("one\r\ntwo\rthree\nfo✓r");
    expect(await readAll(file, { lines: 1, bytes: 0 })).toBe("two\rthree\nfo✓r");
    expect(await readAll(file, { lines: 2, bytes: 0 })).toBe("three\nfo✓r");
    expect(await readAll(file, { lines: 3, bytes: 2 })).toBe("✓r");
    expect(await readAll(file, { lines: 3, bytes: 5 })).toBe("r");
  });

  it("reads nothing twice when the log holds all of it, and waits for a missing file", async () => {
    const file = writeOutput();
    expect(await readAll(file, { lines: 9, bytes: 0 })).toBe("");
    expect(await readAll(file, { lines: 3, bytes: 99 })).toBe("");
    expect(await readAll(`${file}.missing`, { lines: 1, bytes: 0 })).toBe("");
  });
});
