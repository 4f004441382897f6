import { open } from "node:fs/promises";
import { PassThrough, type Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

const CHUNK_BYTES = 64 * 1024;

/**
 * Follows a file another machine writes (a Slurm job's output on the shared RUNS_DIR):
 * reads what was appended every `intervalMs`, waiting while the reader is behind, and ends
 * after a last read once `ended` resolves. A file not there yet is waited for. Polling,
 * not inotify: inotify sees no writes made on another NFS client.
 */
export function tailFile(file: string, ended: Promise<unknown>, intervalMs = 250): Readable {
  const out = new PassThrough();
  out.setEncoding("utf8");
  let done = false;
  void ended.finally(() => (done = true));
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let offset = 0;
  const readNew = async () => {
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
      await readNew().catch(() => undefined);
      if (last) break;
      await sleep(intervalMs);
    }
    out.end();
  })();
  return out;
}
