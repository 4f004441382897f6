import pino, { type Logger } from "pino";

export type { Logger };

/** One JSON logger per process, named after it (web, worker, beat, cli). */
export function createLogger(name: string, level: string): Logger {
  return pino({
    name,
    level,
    base: { process: name, pid: process.pid },
    redact: { paths: ["req.headers.authorization", "password", "token"], censor: "[redacted]" },
  });
}
