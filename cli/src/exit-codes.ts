/**
 * The exit codes of `runport`, one per outcome, so that a script can tell them apart
 * (README "The runport command" lists them). 0 is success; with --wait, only a run that
 * succeeded.
 */
export const EXIT = {
  ok: 0,
  /** The run ended `failed`: the pipeline's own failure. */
  failed: 1,
  /** Wrong arguments, an unreadable local file, no server or credentials configured. */
  usage: 2,
  /** The run ended `error`: the platform's failure (lost worker, process did not start). */
  error: 3,
  /** The run ended `cancelled`. */
  cancelled: 4,
  /** The server refused the request (4xx: invalid config, unknown run, no permission). */
  refused: 5,
  /** No answer, a dropped connection or a server error (5xx) after the retries. */
  network: 6,
  /** A downloaded file's SHA-256 differs from the one the server recorded. */
  checksum: 7,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that ends the command with its exit code, its message on stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** The exit code of a finished run's status (with --wait). */
export function exitCodeOfStatus(status: string): ExitCode {
  if (status === "succeeded") return EXIT.ok;
  if (status === "failed") return EXIT.failed;
  if (status === "cancelled") return EXIT.cancelled;
  return EXIT.error;
}
