import { chmodSync, chownSync, lchownSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RunAsUser } from "./run-as-user";
import type { AttemptFile } from "./samplesheet-files";

/**
 * Creates an attempt's working folder with its outputs folder and config.json (and the
 * samplesheet CSV files the config names, `files`, made and owned the same way).
 *
 * With a run user: RUNS_DIR/<run id> is root's, mode 0711 (passable, not listable); the
 * attempt folder, its outputs folder and config.json belong to the run user, modes
 * 0700/0700/0600, so that no other local user reads them. The worker (root) still reads
 * the outputs after the run. Without one: the worker's own, group-readable, as before.
 *
 * Synchronous on purpose: a few small calls on the path to process start, where a trip
 * through libuv's thread pool costs more than the calls.
 */
export function prepareAttemptDir(
  paths: { workDir: string; outputsDir: string; configPath: string },
  config: string,
  runAs: RunAsUser | null,
  files: readonly AttemptFile[] = [],
): void {
  const extra = files.map((f) => ({ ...f, path: path.join(paths.workDir, path.basename(f.name)) }));
  if (!runAs) {
    mkdirSync(paths.outputsDir, { recursive: true, mode: 0o750 });
    writeFileSync(paths.configPath, config, { mode: 0o640 });
    for (const file of extra) writeFileSync(file.path, file.content, { mode: 0o640 });
    return;
  }
  const runDir = path.dirname(paths.workDir);
  mkdirSync(runDir, { recursive: true, mode: 0o711 });
  chmodSync(runDir, 0o711);
  // Everything is made as root first, and the attempt folder is handed over last: until
  // then the run user cannot write in it, so nothing it plants (a link named outputs or
  // config.json, from another run) is followed by root. `wx` refuses an existing file, and
  // lchown never follows a link.
  mkdirSync(paths.workDir, { recursive: true, mode: 0o700 });
  chmodSync(paths.workDir, 0o700);
  mkdirSync(paths.outputsDir, { mode: 0o700 });
  writeFileSync(paths.configPath, config, { mode: 0o600, flag: "wx" });
  for (const file of extra) writeFileSync(file.path, file.content, { mode: 0o600, flag: "wx" });
  lchownSync(paths.outputsDir, runAs.uid, runAs.gid);
  lchownSync(paths.configPath, runAs.uid, runAs.gid);
  for (const file of extra) lchownSync(file.path, runAs.uid, runAs.gid);
  lchownSync(paths.workDir, runAs.uid, runAs.gid);
}

/**
 * Closes a finished attempt's folder to the run user: root's, mode 0700. Every run shares
 * the one run user, so without this any later run could read this one's config and
 * outputs. The files inside stay as they are (the worker reads the outputs next, as root).
 */
export function lockAttemptDir(workDir: string, runAs: RunAsUser | null): void {
  if (!runAs) return;
  chownSync(workDir, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  chmodSync(workDir, 0o700);
}
