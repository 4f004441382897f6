import type { Metadata } from "next";
import { CompareRuns, type ComparedRun } from "@/components/reports/compare-runs";
import { isRunId } from "@/lib/ids";
import type { ReportSpec } from "@/lib/report-spec";
import { MAX_COMPARED_RUNS as MAX_RUNS } from "@/lib/reports/compare-selection";
import { AppError } from "@/server/errors";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { getRunReport } from "@/server/outputs/get-run-report";
import { listProjectRuns } from "@/server/outputs/list-project-runs";
import { listPipelines } from "@/server/pipelines/list-pipelines";
import { getRun } from "@/server/runs/get-run";

export const metadata: Metadata = { title: "Compare runs" };

/** The longest project name looked for (the runs list's `q`). */
const MAX_PROJECT = 200;

type Params = {
  ids?: string | string[];
  project?: string | string[];
  pipeline?: string | string[];
};

const one = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[value.length - 1] : value)?.trim() ?? "";

/**
 * /runs/compare?ids=A,B,C: the report charts of several runs of one pipeline side by side.
 * Each run is read with getRun (a run the user may not see is named, not shown); the
 * charts are those of the first run's report.
 * /runs/compare?project=P[&pipeline=N]: the latest succeeded runs named P (listProjectRuns).
 */
export default async function ComparePage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const text = Array.isArray(params.ids) ? params.ids.join(",") : (params.ids ?? "");
  const project = one(params.project);
  const pipelineChoice = one(params.pipeline);
  const back = new URLSearchParams(
    Object.entries({ ids: text, project, pipeline: pipelineChoice }).filter(([, v]) => v),
  );
  const principal = await requirePagePrincipal(`/runs/compare?${back.toString()}`);
  const app = getAppContext();
  const pipelineNames = (await listPipelines(app)).map((p) => p.name);
  const problems: string[] = [];
  let ids = [...new Set(text.split(/[\s,]+/).filter(Boolean))].slice(0, MAX_RUNS);
  if (project) {
    ids = [];
    if (project.length > MAX_PROJECT)
      problems.push(`A project name is at most ${MAX_PROJECT} characters`);
    else if (pipelineChoice && !pipelineNames.includes(pipelineChoice))
      problems.push(`"${pipelineChoice.slice(0, 40)}" is not a pipeline`);
    else {
      try {
        const found = await listProjectRuns(app, {
          principal,
          project,
          pipeline: pipelineChoice || undefined,
        });
        ids = found.ids;
        if (ids.length === 0) problems.push(`No succeeded run is named "${project}"`);
        if (found.others > 0)
          problems.push(
            `${found.others} run${found.others === 1 ? "" : "s"} of other pipelines named "${project}": pick a pipeline to compare those`,
          );
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        problems.push(error.message);
      }
    }
  }
  const runs: ComparedRun[] = [];
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
  // Runs of one project share a name: the end of the id tells them apart.
  const names = runs.map((run) => run.label);
  for (const run of runs)
    if (names.indexOf(run.label) !== names.lastIndexOf(run.label))
      run.label = `${run.label} (…${run.id.slice(-6)})`;
  return (
    <main>
      <h1>Compare runs{pipeline ? ` of ${pipeline}` : ""}</h1>
      <form method="get" className="row" aria-label="Compare runs by id">
        <label htmlFor="compare-ids">Run ids (comma-separated, up to {MAX_RUNS})</label>
        <input
          id="compare-ids"
          name="ids"
          defaultValue={project ? "" : ids.join(",")}
          style={{ width: "min(100%, 60ch)" }}
        />
        <button type="submit" className="btn btn-small">
          Compare
        </button>
      </form>
      <form method="get" className="row" aria-label="Compare a whole project">
        <label htmlFor="compare-project">Project (run name)</label>
        <input
          id="compare-project"
          name="project"
          defaultValue={project}
          maxLength={MAX_PROJECT}
          style={{ width: "min(100%, 30ch)" }}
        />
        <label htmlFor="compare-pipeline">Pipeline</label>
        <select id="compare-pipeline" name="pipeline" defaultValue={pipelineChoice}>
          <option value="">Any (the newest run&apos;s)</option>
          {pipelineNames.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn-small">
          Compare its latest {MAX_RUNS}
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
