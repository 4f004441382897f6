import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";

/**
 * A fresh folder under the system's temporary directory (`runport-<name>-XXXXXX`), for
 * the current test only: it is removed when the test ends, passed or failed.
 */
export function testTempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `runport-${name}-`));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
