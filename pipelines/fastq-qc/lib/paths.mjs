// Resolves the FASTQ paths of the config and makes sure each one lies inside a folder the
// platform allows: the pipeline folder or one of RUNPORT_DATA_ROOTS. A config is user input,
// so without this check a run could read any file the worker can (e.g. /etc/shadow.fastq).
import { realpathSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "./config.mjs";

/** True when `file` is `dir` itself or below it (both absolute and normalized). */
function isInside(file, dir) {
  const relative = path.relative(dir, file);
  return (
    relative === "" ||
    (relative !== ".." && !relative.startsWith(".." + path.sep) && !path.isAbsolute(relative))
  );
}

/**
 * The allowed folders, each both as given and with symlinks resolved: a path may be written
 * either way, but only the resolved form decides in the end.
 */
export function allowedRoots(pipelineDir, dataRootsVariable, warn) {
  const given = [pipelineDir];
  for (const root of (dataRootsVariable ?? "").split(":")) {
    if (root === "") continue;
    if (!path.isAbsolute(root)) warn(`ignoring RUNPORT_DATA_ROOTS entry ${root}: not absolute`);
    else given.push(path.resolve(root));
  }
  const roots = [];
  for (const dir of given) {
    try {
      roots.push({ dir, real: realpathSync(dir) });
    } catch {
      warn(`ignoring data root ${dir}: it does not exist`);
    }
  }
  return roots;
}

/**
 * Returns the real path of one `dataFiles[i].fastqPath`, or throws an InputError naming the
 * entry. Relative paths are relative to the pipeline folder; ".." segments are refused outright,
 * and so are hard-linked files when the pipeline runs as root (`runningAsRoot`).
 */
export function resolveFastqPath(
  fastqPath,
  where,
  pipelineDir,
  roots,
  runningAsRoot = process.getuid?.() === 0,
) {
  const name = `${where}.fastqPath`;
  if (fastqPath.includes("\0")) throw new InputError(`${name} contains a NUL character`);
  if (fastqPath.split("/").includes("..")) {
    throw new InputError(`${name}: ".." path segments are not allowed (${fastqPath})`);
  }
  const outside = () =>
    new InputError(
      `${name}: ${fastqPath} is outside the allowed folders ` +
        `(the pipeline folder and RUNPORT_DATA_ROOTS: ${roots.map((r) => r.dir).join(", ")})`,
    );
  const absolute = path.resolve(pipelineDir, fastqPath);
  // Checked before touching the file so that the error does not tell whether it exists.
  if (!roots.some((root) => isInside(absolute, root.dir) || isInside(absolute, root.real))) {
    throw outside();
  }
  let real;
  try {
    real = realpathSync(absolute);
  } catch (error) {
    const reason = error.code === "ENOENT" ? "file not found" : error.message;
    throw new InputError(`${name}: ${reason}: ${absolute}`);
  }
  if (!roots.some((root) => isInside(real, root.real))) {
    throw new InputError(
      `${name}: ${fastqPath} resolves (through a symbolic link) to ${real}, ` +
        `outside the allowed folders (${roots.map((r) => r.dir).join(", ")})`,
    );
  }
  const stat = statSync(real);
  if (!stat.isFile()) throw new InputError(`${name}: ${absolute} is not a regular file`);
  // A hard link has no "elsewhere" for realpath to reveal: it is the other file, under a
  // name inside the root. Run as root (no RUN_AS_USER), nothing but this check keeps a link
  // to /etc/shadow or another project's data out, so files with more than one name are
  // refused. Run unprivileged, the system refuses what the run user may not read, and
  // hard-linked data (deduplicated sequencing folders) is accepted.
  if (stat.nlink > 1 && runningAsRoot) {
    throw new InputError(
      `${name}: ${absolute} has ${stat.nlink} hard links, refused while the pipeline runs as ` +
        `root (a hard link may lead outside the allowed folders; set RUN_AS_USER)`,
    );
  }
  return real;
}
