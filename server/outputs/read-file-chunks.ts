import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { createHash } from "node:crypto";
import type { BeneathOpener } from "./open-beneath";

/** Stored content is cut into chunks of this size (the last one shorter). */
export const CHUNK_BYTES = 1024 * 1024;

/** A file that could not be opened or read (vanished, unreadable, swapped for a link). */
export class UnreadableFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "UnreadableFileError";
  }
}

function unreadable(error: unknown): UnreadableFileError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return new UnreadableFileError(
    code === "ELOOP"
      ? "a symbolic link (links are not followed)"
      : code === "ENOTDIR"
        ? "a folder on its path is no longer a folder (swapped for a link?): not followed"
        : `could not read it (${code ?? "error"})`,
  );
}

/**
 * Opens the file `file` (relative to the opener's root) for reading without following a
 * link in any step (BeneathOpener: O_NOFOLLOW folder by folder) and without blocking
 * on a FIFO (O_NONBLOCK), and checks on the open descriptor that it is a regular file:
 * what was listed cannot be swapped for something else meanwhile.
 * With `owner` (the run user's uid), a file of anybody else is refused too: the worker reads
 * as root, and a hard link, or a folder of the path swapped for a link by a process of the
 * run that outlived it, must not lead it to files the run user could not read itself.
 */
export async function openRegularFile(
  opener: Pick<BeneathOpener, "open">,
  file: string,
  options: { owner?: number } = {},
): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await opener.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UnreadableFileError("not a regular file");
    if (options.owner !== undefined && stat.uid !== options.owner) {
      throw new UnreadableFileError("not the run user's file (a hard link or a swapped folder?)");
    }
    return { handle, size: stat.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error instanceof UnreadableFileError ? error : unreadable(error);
  }
}

/** Fills `buffer` from the file's current position; fewer bytes only at the end of the file. */
async function fill(handle: FileHandle, buffer: Buffer): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * Reads a file once, start to end: every byte goes into the SHA-256, and each chunk
 * (a copy, CHUNK_BYTES long but the last) goes to `onChunk` while the bytes read so far
 * stay within `keepBytes`. The caller compares the returned size with what it planned.
 */
export async function readFileChunks(
  handle: FileHandle,
  keepBytes = 0,
  onChunk?: (chunk: Buffer) => Promise<void> | void,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let size = 0;
  for (;;) {
    let bytes: number;
    try {
      bytes = await fill(handle, buffer);
    } catch (error) {
      throw unreadable(error);
    }
    if (bytes === 0) break;
    const chunk = buffer.subarray(0, bytes);
    hash.update(chunk);
    size += bytes;
    if (onChunk && size <= keepBytes) await onChunk(Buffer.from(chunk));
    if (bytes < CHUNK_BYTES) break;
  }
  return { size, sha256: hash.digest("hex") };
}
