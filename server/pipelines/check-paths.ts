import { lstatSync, readdirSync, realpathSync, type Dirent } from "node:fs";
import { lstat, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { PathTarget } from "@/lib/schema/path-keywords";
import type { ConfigProblem } from "@/lib/schema/validate-config";

/** Where a pipeline may read from: its own folder and the DATA_ROOTS. */
export interface PathRoots {
  /** The pipeline's folder on this machine; relative paths are relative to it. */
  pipelineDir: string | null;
  dataRoots: readonly string[];
}

/** What a path turned out to be; `outside` says nothing more, whatever is there. */
type Found = "file" | "folder" | "other" | "missing" | "outside" | "unreadable" | "loop";

const MAX_PROBLEMS = 100;
/** The synchronous fast path blocks the event loop at most this long at a time. */
const SLICE_MS = 4;
/**
 * Synchronous calls slower than this, SLOW_CALLS in a row: a slow (network) file system, and
 * the rest goes async. In a row, because a busy machine preempts the odd fast call too.
 */
const SLOW_CALL_MS = 1;
const SLOW_CALLS = 3;
/** A folder named this often is listed once rather than asked about each file... */
const LIST_FROM = 16;
/** ...and a listing may take this long before the file system counts as slow. */
const SLOW_LISTING_MS = 50;
/** Symbolic links followed by hand for one missing path before giving up (Linux: 40). */
const MAX_LINKS = 40;

interface Root {
  given: string;
  real: string;
}

/** True when `file` is `dir` or below it (both absolute and normalized: a prefix test). */
function isInside(file: string, dir: string): boolean {
  if (dir === path.sep) return true;
  return file === dir || (file.startsWith(dir) && file[dir.length] === path.sep);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "";
}

/**
 * Checks the files a config names, with symbolic links resolved and then held to the
 * roots. The order matters for what an answer may reveal: a path is first placed in the
 * roots by its text alone (no file system call for one outside them), and one that
 * resolves, through links, to somewhere outside is "outside" whether or not anything is
 * there: a link to /etc/passwd, or into a folder outside, tells nothing of its target. A
 * missing path is "missing" only when its nearest existing folder is inside a root and no
 * dangling link on the way leads outside. Identical paths are checked once; at most
 * `concurrency` file system calls run at once; nothing is kept for the next call.
 */
export async function checkPaths(
  targets: readonly PathTarget[],
  roots: PathRoots,
  options: { concurrency?: number } = {},
): Promise<ConfigProblem[]> {
  if (targets.length === 0) return [];
  const resolvedRoots = await resolveRoots(roots);
  const realOf = new Map<string, Promise<string | null>>();
  /** realpath, once per path in this call; null when it cannot be resolved. */
  const real = (p: string) => {
    let hit = realOf.get(p);
    if (!hit) {
      hit = realpath(p).then(
        (r) => r,
        () => null,
      );
      realOf.set(p, hit);
    }
    return hit;
  };
  const insideGiven = (p: string) =>
    resolvedRoots.some((r) => isInside(p, r.given) || isInside(p, r.real));
  const insideReal = (p: string) => resolvedRoots.some((r) => isInside(p, r.real));

  /** A path that does not resolve: missing inside the roots, or not ours to describe. */
  const missing = async (absolute: string, hops: number): Promise<Found> => {
    if (hops > MAX_LINKS) return "loop";
    if (!insideGiven(absolute)) return "outside";
    const rest: string[] = [];
    let parent = absolute;
    let parentReal: string | null = null;
    while (parentReal === null) {
      rest.unshift(path.basename(parent));
      const up = path.dirname(parent);
      if (up === parent) return "outside";
      parent = up;
      parentReal = await real(parent);
    }
    if (!insideReal(parentReal)) return "outside";
    const first = path.join(parentReal, rest[0]!);
    let entry;
    try {
      entry = await lstat(first);
    } catch (error) {
      const code = errorCode(error);
      // A name too long for the file system cannot exist either.
      return ["ENOENT", "ENOTDIR", "ENAMETOOLONG"].includes(code) ? "missing" : "unreadable";
    }
    if (!entry.isSymbolicLink()) return entry.isDirectory() ? "unreadable" : "missing";
    let target: string;
    try {
      target = await readlink(first);
    } catch {
      return "unreadable";
    }
    return missing(path.resolve(parentReal, target, ...rest.slice(1)), hops + 1);
  };

  const kindOf = (info: { isFile(): boolean; isDirectory(): boolean }): Found =>
    info.isFile() ? "file" : info.isDirectory() ? "folder" : "other";

  /** The slow way: realpath of the whole path, then stat. */
  const resolveFully = async (absolute: string): Promise<Found> => {
    const resolved = await real(absolute);
    if (resolved === null) return missing(absolute, 0);
    if (!insideReal(resolved)) return "outside";
    try {
      return kindOf(await stat(resolved));
    } catch {
      return "unreadable";
    }
  };

  // The common case in one system call a file: its folder resolved once for all its files
  // (memoized), then lstat of the file; only a link (or a missing file) takes the slow way.
  const probe = async (absolute: string): Promise<Found> => {
    if (!insideGiven(absolute)) return "outside";
    const folder = await real(path.dirname(absolute));
    if (folder === null) return resolveFully(absolute);
    const candidate = path.join(folder, path.basename(absolute));
    let info;
    try {
      info = await lstat(candidate);
    } catch {
      return resolveFully(absolute);
    }
    if (info.isSymbolicLink()) return resolveFully(absolute);
    return insideReal(candidate) ? kindOf(info) : "outside";
  };

  const absoluteOf = (value: string) =>
    path.isAbsolute(value)
      ? path.resolve(value)
      : roots.pipelineDir
        ? path.resolve(roots.pipelineDir, value)
        : null;
  // No file name holds a NUL (the file system calls would refuse it as an argument).
  const valid = (value: string) => !value.includes("\0");
  const unique = [
    ...new Set(
      targets
        .filter((t) => valid(t.value))
        .map((t) => absoluteOf(t.value))
        .filter((p): p is string => p !== null),
    ),
  ];
  const found = new Map<string, Found>();
  // What the fast path cannot decide (links, missing files, errors), or all of it on a slow
  // file system, goes the asynchronous way, `concurrency` at a time.
  const rest = await probeQuickly(unique, found, { insideGiven, insideReal, kindOf });
  let next = 0;
  const work = async () => {
    while (next < rest.length) {
      const absolute = rest[next++]!;
      found.set(absolute, await probe(absolute));
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 32);
  await Promise.all(Array.from({ length: Math.min(concurrency, rest.length) }, work));

  const outside = `is outside the data folders: ${describeRoots(roots)}`;
  const problems: ConfigProblem[] = [];
  for (const target of targets) {
    if (!valid(target.value)) {
      problems.push({
        path: target.pointer,
        message: "is not a valid path: it holds a NUL character",
      });
      if (problems.length >= MAX_PROBLEMS) break;
      continue;
    }
    const absolute = absoluteOf(target.value);
    if (absolute === null) continue; // relative, and no pipeline folder here: the worker checks
    const message = judge(found.get(absolute)!, target, outside);
    if (message) problems.push({ path: target.pointer, message });
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems;
}

/**
 * The common case without the thread pool: an existing file that is not a link, in a folder
 * that resolves, takes one lstat (its folder's realpath once for all its files), synchronously,
 * in slices of at most SLICE_MS with the event loop free between them; a folder many paths
 * name is listed once instead. Slow calls in a row (a network file system) end the fast path.
 * Returns what it left undecided.
 */
async function probeQuickly(
  paths: readonly string[],
  found: Map<string, Found>,
  rules: {
    insideGiven: (p: string) => boolean;
    insideReal: (p: string) => boolean;
    kindOf: (info: { isFile(): boolean; isDirectory(): boolean }) => Found;
  },
): Promise<string[]> {
  const folders = new Map<string, string | null>();
  const folderOf = (dir: string) => {
    if (!folders.has(dir)) {
      let real: string | null = null;
      try {
        real = realpathSync.native(dir);
      } catch {
        real = null;
      }
      folders.set(dir, real);
    }
    return folders.get(dir)!;
  };
  const wanted = new Map<string, number>();
  for (const p of paths) {
    const dir = path.dirname(p);
    wanted.set(dir, (wanted.get(dir) ?? 0) + 1);
  }
  const listings = new Map<string, Map<string, Dirent> | null>();
  let listed = false;
  /** The entries of a folder many paths name (types from the listing, no call per file). */
  const listingOf = (dir: string, real: string) => {
    if ((wanted.get(dir) ?? 0) < LIST_FROM) return null;
    if (!listings.has(dir)) {
      listed = true;
      let entries: Map<string, Dirent> | null = null;
      try {
        entries = new Map(readdirSync(real, { withFileTypes: true }).map((e) => [e.name, e]));
      } catch {
        entries = null;
      }
      listings.set(dir, entries);
    }
    return listings.get(dir)!;
  };
  const quick = (absolute: string): Found | null => {
    if (!rules.insideGiven(absolute)) return "outside";
    const dir = path.dirname(absolute);
    const folder = folderOf(dir);
    if (folder === null) return null;
    const name = path.basename(absolute);
    const candidate = path.join(folder, name);
    const listing = listingOf(dir, folder);
    if (listing) {
      const entry = listing.get(name);
      if (!entry || entry.isSymbolicLink()) return null;
      if (entry.isFile() || entry.isDirectory())
        return rules.insideReal(candidate) ? rules.kindOf(entry) : "outside";
      // A file system that does not give types in listings (or a device): ask the file.
    }
    let info;
    try {
      info = lstatSync(candidate, { throwIfNoEntry: false });
    } catch {
      return null;
    }
    if (!info || info.isSymbolicLink()) return null;
    return rules.insideReal(candidate) ? rules.kindOf(info) : "outside";
  };
  const undecided: string[] = [];
  let i = 0;
  let slowInARow = 0;
  while (i < paths.length) {
    const slice = performance.now();
    let slow = false;
    while (i < paths.length && !slow && performance.now() - slice < SLICE_MS) {
      const absolute = paths[i++]!;
      const start = performance.now();
      listed = false;
      const answer = quick(absolute);
      const late = performance.now() - start > (listed ? SLOW_LISTING_MS : SLOW_CALL_MS);
      slowInARow = late ? slowInARow + 1 : 0;
      slow = slowInARow >= SLOW_CALLS;
      if (answer === null) undecided.push(absolute);
      else found.set(absolute, answer);
    }
    if (slow) return [...undecided, ...paths.slice(i)];
    if (i < paths.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return undecided;
}

/** The sentence for what was found, against what the schema asks; null when it fits. */
function judge(found: Found, target: PathTarget, outside: string): string | null {
  const { format, exists } = target.rule;
  switch (found) {
    case "outside":
      return outside;
    case "unreadable":
      return "cannot be read by Runport (permission denied)";
    case "loop":
      return "is a loop of symbolic links";
    case "missing":
      return exists === true ? "does not exist" : null;
    default:
      if (exists === false) return "already exists";
      if (format === "file-path" && found === "folder") return "is a folder";
      if (format === "file-path" && found === "other") return "is not a regular file";
      if (format === "directory-path" && found !== "folder") return "is not a folder";
      return null;
  }
}

/** The roots as configured, for the message: the pipeline folder is not spelt out. */
export function describeRoots(roots: Pick<PathRoots, "dataRoots">): string {
  return ["the pipeline folder", ...roots.dataRoots].join(", ");
}

/** Each root with symbolic links resolved; a root that does not exist is left out. */
async function resolveRoots(roots: PathRoots): Promise<Root[]> {
  const given = [roots.pipelineDir, ...roots.dataRoots].filter((r): r is string => r !== null);
  const resolved = await Promise.all(
    given.map(async (dir) => {
      const absolute = path.resolve(dir);
      const real = await realpath(absolute).catch(() => null);
      return real ? { given: absolute, real } : null;
    }),
  );
  return resolved.filter((r): r is Root => r !== null);
}
