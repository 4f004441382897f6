import { open, readdir, type FileHandle } from "node:fs/promises";
import { FOLDER_FLAGS, openIn, throughDescriptor } from "./open-beneath";

export interface OutputLimits {
  /** Regular files recorded at most; the walk stops after them. */
  maxFiles: number;
  /** Folder levels below the outputs folder that are entered (its own files are level 1). */
  maxDepth: number;
  /** Longest relative path, in characters (the column is varchar(512)). */
  maxPathLength: number;
}

export const OUTPUT_LIMITS: OutputLimits = { maxFiles: 1000, maxDepth: 16, maxPathLength: 512 };

export interface OutputFile {
  /** Relative to the outputs folder, `/`-separated: open it with openBeneath. */
  path: string;
}

export interface OutputWalk {
  files: OutputFile[];
  /** What was left out and why, one line each (for the run's log), at most MAX_NOTES. */
  notes: string[];
  /** Notes beyond MAX_NOTES, only counted (a folder of a million links stays cheap). */
  omitted: number;
}

const MAX_NOTES = 100;

function note(walk: OutputWalk, text: string): void {
  if (walk.notes.length < MAX_NOTES) walk.notes.push(text);
  else walk.omitted += 1;
}

/** A file name as it goes into a log line: quoted, with control characters escaped. */
export const quote = (name: string): string => JSON.stringify(name);

/**
 * Lists the regular files below an attempt's outputs folder, depth first in name order.
 * Symbolic links are never followed (neither to files nor to folders): they are left
 * out with a note, as are FIFOs, sockets and devices, paths over the length limit,
 * folders deeper than the depth limit and files beyond the count limit. An outputs
 * folder that is itself a link, or missing, gives no files. Each folder is opened inside
 * the open folder above it with O_NOFOLLOW and listed through its descriptor: a folder
 * swapped for a link after it was listed (by a process of the run that outlived it) is
 * refused, not followed into another run's outputs.
 */
export async function walkOutputs(
  root: string,
  limits: OutputLimits = OUTPUT_LIMITS,
): Promise<OutputWalk> {
  const walk: OutputWalk = { files: [], notes: [], omitted: 0 };
  let folder: FileHandle;
  try {
    folder = await open(root, FOLDER_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === "ENOENT") return walk;
    if (code !== "ELOOP" && code !== "ENOTDIR") throw error;
    walk.notes.push("the outputs folder is not a folder (a symbolic link?): nothing recorded");
    return walk;
  }
  try {
    await visit(folder, "", 1, limits, walk);
  } finally {
    await folder.close().catch(() => undefined);
  }
  return walk;
}

/** Returns false once the file limit is reached (the walk stops). */
async function visit(
  folder: FileHandle,
  prefix: string,
  depth: number,
  limits: OutputLimits,
  walk: OutputWalk,
): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(throughDescriptor(folder), { withFileTypes: true });
  } catch (error) {
    note(walk, `skipped the folder ${quote(prefix || ".")}: ${errorCode(error)}`);
    return true;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = prefix + entry.name;
    if (entry.isSymbolicLink()) {
      note(walk, `skipped ${quote(relative)}: a symbolic link (links are not followed)`);
    } else if (entry.isDirectory()) {
      if (depth >= limits.maxDepth) {
        note(walk, `skipped the folder ${quote(relative)}: deeper than ${limits.maxDepth} levels`);
      } else if (!(await visitFolder(folder, entry.name, `${relative}/`, depth, limits, walk))) {
        return false;
      }
    } else if (!entry.isFile()) {
      note(walk, `skipped ${quote(relative)}: not a regular file`);
    } else if ([...relative].length > limits.maxPathLength) {
      note(
        walk,
        `skipped ${quote(relative)}: its path is longer than ${limits.maxPathLength} characters`,
      );
    } else if (walk.files.length >= limits.maxFiles) {
      note(
        walk,
        `more than ${limits.maxFiles} files: only the first ${limits.maxFiles} were recorded`,
      );
      return false;
    } else {
      walk.files.push({ path: relative });
    }
  }
  return true;
}

/** Opens a listed folder inside its parent (a link in its place is refused) and visits it. */
async function visitFolder(
  parent: FileHandle,
  name: string,
  prefix: string,
  depth: number,
  limits: OutputLimits,
  walk: OutputWalk,
): Promise<boolean> {
  let folder: FileHandle;
  try {
    folder = await openIn(parent, name, FOLDER_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    // O_DIRECTORY|O_NOFOLLOW on a link: ENOTDIR (it was listed as a folder: swapped since).
    const why =
      code === "ENOTDIR" || code === "ELOOP"
        ? "no longer a folder (swapped for a link?): not followed"
        : errorCode(error);
    note(walk, `skipped the folder ${quote(prefix.slice(0, -1))}: ${why}`);
    return true;
  }
  try {
    return await visit(folder, prefix, depth + 1, limits, walk);
  } finally {
    await folder.close().catch(() => undefined);
  }
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code ? `could not read it (${code})` : "could not read it";
}
