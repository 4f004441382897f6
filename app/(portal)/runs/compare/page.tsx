import type { Metadata } from "next";
import { CompareRuns, type ComparedRun } from "@/components/reports/compare-runs";
import { isRunId } from "@/lib/ids";
import type { ReportSpec } from "@/lib/report-spec";
import { AppError } from "@/server/errors";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { getRunReport } from "@/server/outputs/get-run-report";
import { getRun } from "@/server/runs/get-run";

export const metadata: Metadata = { title: "Compare runs" };

/** Runs compared at once: each chart is drawn once per run, side by side. */
const MAX_RUNS = 8;

/**
 * /runs/compare?ids=A,B,C: the report charts of several runs of one pipeline side by side.
 * Each run is read with getRun (a run the user may not see is named, not shown); the
 * charts are those of the first run's report.
 */
export default async function ComparePage({
  searchParams,
}: {
  searchParams: Promise<{ ids?: string | string[] }>;
}) {
  const { ids: raw } = await searchParams;
  const text = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  const principal = await requirePagePrincipal(`/runs/compare?ids=${encodeURIComponent(text)}`);
  const ids = [...new Set(text.split(/[\s,]+/).filter(Boolean))].slice(0, MAX_RUNS);
  const app = getAppContext();
  const runs: ComparedRun[] = [];
  const problems: string[] = [];
  let report: ReportSpec | null = null;
  let pipeline: string | null = null;
  for (const id of ids) {
    if (!isRunId(id)) {
      problems.push(`"${id.slice(0, 40)}" is not a run id`);
      continue;
    }
    try {
      const run = await getRun(app, { principal, runId: id });
      const spec = await getRunReport(app, run);
      if (!spec) problems.push(`${id}: ${run.pipelineName} declares no report`);
      else if (run.status !== "succeeded") problems.push(`${id} has not succeeded (${run.status})`);
      else if (pipeline !== null && run.pipelineName !== pipeline)
        problems.push(`${id} is a run of ${run.pipelineName}, not ${pipeline}`);
      else {
        pipeline ??= run.pipelineName;
        report ??= spec;
        runs.push({ id: run.id, label: run.name ?? run.id, version: run.pipelineVersion });
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push(`${id}: ${error.code === "FORBIDDEN" ? "somebody else's run" : "no such run"}`);
    }
  }
  return (
    <main>
      <h1>Compare runs{pipeline ? ` of ${pipeline}` : ""}</h1>
      <form method="get" className="row">
        <label htmlFor="compare-ids">Run ids (comma-separated, up to {MAX_RUNS})</label>
        <input
          id="compare-ids"
          name="ids"
          defaultValue={ids.join(",")}
          style={{ width: "min(100%, 60ch)" }}
        />
        <button type="submit" className="btn btn-small">
          Compare
        </button>
      </form>
      {problems.length > 0 ? (
        <ul className="muted" aria-label="Runs left out">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      {report && runs.length > 0 ? <CompareRuns report={report} runs={runs} /> : null}
    </main>
  );
}
