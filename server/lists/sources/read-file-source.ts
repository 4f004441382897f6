import { open, realpath } from "node:fs/promises";
import path from "node:path";
import { ListSourceError } from "./list-source-error";
import type { SourceLimits, SourceText } from "./source-text";

function isInside(file: string, dir: string): boolean {
  if (dir === path.sep) return true;
  return file === dir || (file.startsWith(dir) && file[dir.length] === path.sep);
}

/**
 * Reads a list's file: an absolute path that, with its links resolved, lies inside one
 * of `roots` (DATA_ROOTS and LIST_FILE_ROOTS), at most `maxBytes`. A path outside says
 * only that, whatever is there.
 */
export async function readFileSource(
  filePath: string,
  roots: readonly string[],
  limits: Pick<SourceLimits, "maxBytes">,
): Promise<SourceText> {
  if (!path.isAbsolute(filePath)) throw new ListSourceError("the path must be absolute");
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => null)));
  const outside = () =>
    new ListSourceError(
      `${filePath} is outside the folders lists may read (LIST_FILE_ROOTS, DATA_ROOTS)`,
    );
  if (!roots.some((r) => isInside(path.normalize(filePath), r))) throw outside();
  const real = await realpath(filePath).catch(() => {
    throw new ListSourceError(`${filePath} does not exist or cannot be read`);
  });
  if (!realRoots.some((r) => r !== null && isInside(real, r))) throw outside();
  const handle = await open(real, "r").catch(() => {
    throw new ListSourceError(`${filePath} cannot be read`);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ListSourceError(`${filePath} is not a file`);
    if (stats.size > limits.maxBytes) {
      throw new ListSourceError(`${filePath} is larger than ${limits.maxBytes} bytes`);
    }
    const text = await handle.readFile("utf8");
    return {
      notModified: false,
      text,
      etag: null,
      lastModified: stats.mtime.toUTCString(),
    };
  } finally {
    await handle.close();
  }
}
