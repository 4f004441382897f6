/**
 * Is the web process that answered at the start still the one serving? Found by the
 * port it listens on (ss), then checked with signal 0 after every case and by port again
 * at the end: a crash (or a restart by a supervisor) shows as another pid or none.
 */
import { execFileSync } from "node:child_process";

export function listeningPid(port: number): number | null {
  const out = execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" });
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A watcher of the web process at `baseUrl`; `gone()` says what happened to it, or null. */
export function watchWebProcess(baseUrl: string) {
  const port = Number(new URL(baseUrl).port);
  const pid = listeningPid(port);
  if (pid === null) throw new Error(`no process listens on port ${port}`);
  return {
    pid,
    gone(final = false): Promise<string | null> {
      if (!alive(pid)) return Promise.resolve(`the web process ${pid} is gone`);
      if (final) {
        const now = listeningPid(port);
        if (now !== pid)
          return Promise.resolve(`port ${port} is served by ${now ?? "nobody"}, not ${pid}`);
      }
      return Promise.resolve(null);
    },
  };
}
