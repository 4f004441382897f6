import { spawnSync } from "node:child_process";
import fs from "node:fs";

/** The system Python (Debian's python3-openpyxl is installed for it, not for pyenv's). */
export const SYSTEM_PYTHON = "/usr/bin/python3";
/** Gnumeric's converter, which re-saves a workbook as .xlsx, .ods, .xls or CSV. */
export const SSCONVERT = "/usr/bin/ssconvert";

/**
 * Debian packages the real-writer tests need (e2e/workbook-writers.e2e.test.ts):
 * python3-openpyxl when the system Python cannot import openpyxl, gnumeric when
 * ssconvert is missing. Pure: the probes are passed in.
 */
export function writerPackages(found: { openpyxl: boolean; ssconvert: boolean }): string[] {
  return [
    ...(found.openpyxl ? [] : ["python3-openpyxl"]),
    ...(found.ssconvert ? [] : ["gnumeric"]),
  ];
}

/** What this machine has of the writers, probed. */
export function probeWriters(): { openpyxl: boolean; ssconvert: boolean } {
  const openpyxl =
    fs.existsSync(SYSTEM_PYTHON) &&
    spawnSync(SYSTEM_PYTHON, ["-c", "import openpyxl"], { stdio: "ignore" }).status === 0;
  return { openpyxl, ssconvert: fs.existsSync(SSCONVERT) };
}
