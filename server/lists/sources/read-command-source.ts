import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { ListSourceError } from "./list-source-error";
import type { SourceLimits, SourceText } from "./source-text";

/** The end of stderr kept for the error message. */
const STDERR_TAIL = 500;

/**
 * Runs a list's command: argv only (no shell), in its own process group with the
 * pipelines' environment, stdin closed, in an empty folder of its own (not the install's,
 * which holds .env). On timeout or more than `maxBytes` of output the whole group is killed
 * (SIGKILL: a refresh has nothing to save), and after the command ends too (nothing it
 * started stays behind); a non-zero exit fails with the end of stderr.
 */
export function readCommandSource(
  argv: readonly string[],
  options: SourceLimits & { env: Record<string, string> },
): Promise<SourceText> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new ListSourceError("the command is empty"));
  const cwd = mkdtempSync(path.join(tmpdir(), "runport-list-"));
  return new Promise<SourceText>((resolve, reject) => {
    const child = spawn(program, args, {
      shell: false,
      detached: true,
      cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = "";
    let failure: ListSourceError | null = null;
    const killGroup = (why: ListSourceError) => {
      failure ??= why;
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(
      () =>
        killGroup(
          new ListSourceError(`the command did not finish within ${options.timeoutMs / 1000} s`),
        ),
      options.timeoutMs,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.byteLength;
      if (outBytes > options.maxBytes) {
        killGroup(new ListSourceError(`the command wrote more than ${options.maxBytes} bytes`));
      } else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new ListSourceError(`the command could not start: ${program} (${error.code ?? "error"})`),
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is gone: nothing was left behind
      }
      if (failure) return reject(failure);
      if (code !== 0) {
        const tail = stderr.trim();
        return reject(
          new ListSourceError(
            `the command ended with ${code === null ? `signal ${signal}` : `exit code ${code}`}${tail ? `: ${tail}` : ""}`,
          ),
        );
      }
      resolve({
        notModified: false,
        text: Buffer.concat(out).toString("utf8"),
        etag: null,
        lastModified: null,
      });
    });
  }).finally(() => rmSync(cwd, { recursive: true, force: true }));
}
