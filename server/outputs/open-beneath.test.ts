import { constants, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openBeneath } from "./open-beneath";

const root = mkdtempSync(path.join(tmpdir(), "runport-beneath-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const read = async (base: string, relative: string) => {
  const handle = await openBeneath(base, relative, constants.O_RDONLY);
  try {
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
};

describe("openBeneath", () => {
  const outputs = path.join(root, "outputs");
  const elsewhere = path.join(root, "elsewhere");
  mkdirSync(path.join(outputs, "a", "b"), { recursive: true });
  mkdirSync(elsewhere);
  writeFileSync(path.join(outputs, "a", "b", "f.txt"), "mine");
  writeFileSync(path.join(elsewhere, "f.txt"), "not mine");
  symlinkSync(elsewhere, path.join(outputs, "a", "link"));
  symlinkSync(path.join(elsewhere, "f.txt"), path.join(outputs, "file-link"));
  symlinkSync(outputs, path.join(root, "outputs-link"));

  it("opens a file folder by folder", async () => {
    expect(await read(outputs, "a/b/f.txt")).toBe("mine");
  });

  it("refuses a link in any step: a folder, the file, or the root itself", async () => {
    // A link opened as a folder with O_NOFOLLOW: ENOTDIR (Linux), a link to a file: ELOOP.
    await expect(read(outputs, "a/link/f.txt")).rejects.toMatchObject({ code: "ENOTDIR" });
    await expect(read(outputs, "file-link")).rejects.toMatchObject({ code: "ELOOP" });
    await expect(read(path.join(root, "outputs-link"), "a/b/f.txt")).rejects.toMatchObject({
      code: "ENOTDIR",
    });
  });

  it("refuses segments that leave the folder or are empty", async () => {
    for (const relative of ["../elsewhere/f.txt", "a/../../elsewhere/f.txt", "a//b/f.txt", ""]) {
      await expect(read(outputs, relative)).rejects.toMatchObject({ code: "EINVAL" });
    }
  });
});
