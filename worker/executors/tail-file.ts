import { open } from "node:fs/promises";
import { PassThrough, type Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

const CHUNK_BYTES = 64 * 1024;

/**
 * Where a tail taken up by another worker starts: after `lines` line ends (\n, \r\n or a
 * lone \r, as the log counts them) and then `bytes` more, what the log already holds.
 */
export interface TailStart {
  lines: number;
  bytes: number;
}

export interface TailOptions {
  intervalMs?: number;
  start?: TailStart;
  /** Aborted: the tail ends at once, without a last read (a worker killed). */
  signal?: AbortSignal;
}

/** The byte offset in `file` after `start.lines` line ends and `start.bytes` more. */
async function startOffset(file: string, start: TailStart): Promise<number | null> {
  const handle = await open(file, "r").catch(() => null);
  if (!handle) return null;
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let offset = 0;
    let lines = 0;
    let afterCr = false;
    while (lines < start.lines) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, offset);
      if (bytesRead === 0) return offset;
      let i = 0;
      for (; i < bytesRead && lines < start.lines; i++) {
        const byte = buffer[i];
        if (byte === 0x0a && afterCr)
          afterCr = false; // the \n of a \r\n: counted at \r
        else if (byte === 0x0a) lines++;
        else if (byte === 0x0d) {
          lines++;
          afterCr = true;
        } else afterCr = false;
      }
      offset += i;
      // A \r\n whose \n is next: it belongs to the line already counted.
      if (afterCr && lines === start.lines) {
        const { bytesRead: one } = await handle.read(buffer, 0, 1, offset);
        if (one === 1 && buffer[0] === 0x0a) offset++;
      }
    }
    const { size } = await handle.stat();
    return Math.min(offset + start.bytes, size);
  } finally {
    await handle.close();
  }
}

/**
 * Follows a file another machine writes (a Slurm job's output on the shared RUNS_DIR):
 * reads what was appended every `intervalMs`, waiting while the reader is behind, and ends
 * after a last read once `ended` resolves. A file not there yet is waited for. Polling,
 * not inotify: inotify sees no writes made on another NFS client.
 */
export function tailFile(
  file: string,
  ended: Promise<unknown>,
  options: TailOptions = {},
): Readable {
  const intervalMs = options.intervalMs ?? 250;
  const out = new PassThrough();
  out.setEncoding("utf8");
  let done = false;
  void ended.finally(() => (done = true));
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let offset: number | null = options.start ? null : 0;
  const readNew = async () => {
    if (offset === null && options.start) offset = await startOffset(file, options.start);
    if (offset === null) return;
    const handle = await open(file, "r").catch(() => null);
    if (!handle) return;
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, offset);
        if (bytesRead === 0) return;
        offset += bytesRead;
        if (!out.write(Buffer.from(buffer.subarray(0, bytesRead)))) {
          await new Promise((resolve) => out.once("drain", resolve));
        }
      }
    } finally {
      await handle.close();
    }
  };
  void (async () => {
    for (;;) {
      const last = done;
      if (options.signal?.aborted) break;
      await readNew().catch(() => undefined);
      if (last) break;
      await sleep(intervalMs);
    }
    out.end();
  })();
  return out;
}
