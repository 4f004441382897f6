import { MAX_COMPARED_RUNS } from "@/lib/reports/compare-selection";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { listRuns } from "../runs/list-runs";

/** Runs read to find a project's runs: q matches the start of a name, the name must be whole. */
const SCAN = 200;

/**
 * A project's latest succeeded runs for the comparison view (issue 17): the project is the
 * run name (the old portal's `project` becomes it), matched whole and without regard to
 * case, of one pipeline (`pipeline`, else the newest matching run's). Read through listRuns,
 * so only runs the principal may see, and with its bounded queries (no query of its own).
 * `others` counts matching runs of other pipelines, left out.
 */
export async function listProjectRuns(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; project: string; pipeline?: string },
): Promise<{ ids: string[]; pipeline: string | null; others: number }> {
  const project = options.project.trim();
  const list = await listRuns(ctx, {
    principal: options.principal,
    query: {
      status: ["succeeded"],
      label: [],
      q: project,
      pipeline: options.pipeline || undefined,
      limit: SCAN,
    },
  });
  const named = list.items.filter((run) => run.name?.toLowerCase() === project.toLowerCase());
  const pipeline = named[0]?.pipelineName ?? null;
  const same = named.filter((run) => run.pipelineName === pipeline);
  return {
    ids: same.slice(0, MAX_COMPARED_RUNS).map((run) => run.id),
    pipeline,
    others: named.length - same.length,
  };
}
