/**
 * Why an attempt could not start, as a sentence for the run's error and log. A full or
 * over-quota runs folder is a platform problem an operator must fix, so it says where.
 */
export function describeStartFailure(error: unknown, workDir: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOSPC")
    return `No space left on device: the runs folder cannot hold this attempt's files (${workDir}). Free space in RUNS_DIR, then retry the run.`;
  if (code === "EDQUOT")
    return `Disk quota exceeded: the runs folder cannot hold this attempt's files (${workDir}). Raise the quota of RUNS_DIR, then retry the run.`;
  return error instanceof Error ? error.message : String(error);
}
