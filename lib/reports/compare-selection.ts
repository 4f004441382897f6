/** Runs compared at once: each chart is drawn once per run, side by side. */
export const MAX_COMPARED_RUNS = 8;

/** What the runs list keeps of a run picked for comparison. */
export interface PickedRun {
  id: string;
  /** The run's name, else its id: what the reason names. */
  label: string;
  pipelineName: string;
  status: string;
}

/**
 * Whether the picked runs can be compared (2 to MAX_COMPARED_RUNS succeeded runs of one
 * pipeline), and if not, why, in words for the button's description.
 */
export function checkComparison(
  picked: readonly PickedRun[],
): { ok: true; ids: string[] } | { ok: false; reason: string } {
  if (picked.length < 2)
    return {
      ok: false,
      reason: `Select 2 to ${MAX_COMPARED_RUNS} succeeded runs of one pipeline to compare them${
        picked.length === 1 ? " (1 selected)" : ""
      }.`,
    };
  if (picked.length > MAX_COMPARED_RUNS)
    return {
      ok: false,
      reason: `At most ${MAX_COMPARED_RUNS} runs can be compared: ${picked.length} are selected.`,
    };
  const unfinished = picked.filter((run) => run.status !== "succeeded");
  const first = unfinished[0];
  if (first) {
    const more = unfinished.length > 1 ? ` and ${unfinished.length - 1} more` : "";
    return {
      ok: false,
      reason: `Only succeeded runs can be compared: ${first.label} is ${first.status}${more}.`,
    };
  }
  const pipelines = [...new Set(picked.map((run) => run.pipelineName))];
  if (pipelines.length > 1)
    return {
      ok: false,
      reason: `Only runs of one pipeline can be compared: ${pipelines.join(", ")} are selected.`,
    };
  return { ok: true, ids: picked.map((run) => run.id) };
}
