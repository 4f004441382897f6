import { constants } from "node:fs";
import { open, realpath } from "node:fs/promises";
import { withinTime } from "@/lib/within-time";
import path from "node:path";
import { ListSourceError } from "./list-source-error";
import type { SourceLimits, SourceText } from "./source-text";

function isInside(file: string, dir: string): boolean {
  if (dir === path.sep) return true;
  return file === dir || (file.startsWith(dir) && file[dir.length] === path.sep);
}

/**
 * Reads a list's file: an absolute path that, with its links resolved, lies inside one
 * of `roots` (DATA_ROOTS and LIST_FILE_ROOTS), at most `maxBytes`, within `timeoutMs`. A
 * path outside says only that, whatever is there. A FIFO or device is refused without
 * waiting on it (opened non-blocking), and a file growing while it is read is read only to
 * the limit.
 */
export function readFileSource(
  filePath: string,
  roots: readonly string[],
  limits: SourceLimits,
): Promise<SourceText> {
  return withinTime(
    readWithin(filePath, roots, limits),
    limits.timeoutMs,
    () => new ListSourceError(`${filePath} could not be read within ${limits.timeoutMs / 1000} s`),
  );
}

async function readWithin(
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
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
  const handle = await open(real, flags).catch(() => {
    throw new ListSourceError(`${filePath} cannot be read`);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ListSourceError(`${filePath} is not a file`);
    if (stats.size > limits.maxBytes) {
      throw new ListSourceError(`${filePath} is larger than ${limits.maxBytes} bytes`);
    }
    const buffer = Buffer.alloc(Math.min(stats.size, limits.maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        if (length > limits.maxBytes) {
          throw new ListSourceError(`${filePath} is larger than ${limits.maxBytes} bytes`);
        }
        throw new ListSourceError(
          `${filePath} changed while it was read; the next refresh reads it again`,
        );
      }
    }
    const text = buffer.subarray(0, length).toString("utf8");
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
