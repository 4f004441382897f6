import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { canWorkIn, ensureRunUser, lookUpUser } from "./run-user";

// `npm run up` as root creates the run user (useradd needs root: skipped otherwise).
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)("ensureRunUser (needs root to create users)", () => {
  const name = `rp-u-${randomBytes(4).toString("hex")}`;
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    if (lookUpUser(name)) execFileSync("userdel", [name]);
  });

  it("creates a system user without a home or a shell once, and finds it the next time", () => {
    expect(ensureRunUser(name)).toBe("created");
    expect(ensureRunUser(name)).toBe("exists");
    const entry = execFileSync("getent", ["passwd", name], { encoding: "utf8" }).trim().split(":");
    expect(Number(entry[2])).toBeGreaterThan(0);
    expect(entry[6]).toBe("/usr/sbin/nologin");
  });

  it("tells whether that user can work in a folder (every folder above open to others)", () => {
    const open = mkdtempSync(path.join(tmpdir(), "runport-open-"));
    dirs.push(open);
    chmodSync(open, 0o755);
    expect(canWorkIn(name, open)).toBe(true);
    chmodSync(open, 0o700);
    expect(canWorkIn(name, open)).toBe(false);
  });
});
