import type { Metadata } from "next";
import Link from "next/link";
import { canSubmit } from "@/lib/roles";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { getAppContext } from "@/server/http/app-context";
import { listPipelines } from "@/server/pipelines/list-pipelines";
import { getRun } from "@/server/runs/get-run";
import type { InitialRun } from "./new-run-state";
import { NewRunClient } from "./new-run-client";
import { prefillFromLink } from "./prefill";

export const metadata: Metadata = { title: "New run" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The new-run page: pick a pipeline, write or paste the config, submit. */
export default async function NewRunPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const principal = await requirePagePrincipal("/new");
  if (!canSubmit(principal.role)) {
    return (
      <main>
        <h1>New run</h1>
        <div className="card">
          <p>
            Your role (<strong>{principal.role}</strong>) can look at runs and pipelines but not
            submit runs. Ask an administrator for the submitter role.
          </p>
          <Link href="/runs">Back to the runs</Link>
        </div>
      </main>
    );
  }
  const app = getAppContext();
  const pipelines = await listPipelines(app);
  const rerun = first(params.rerun);
  const run = rerun ? await getRun(app, { principal, runId: rerun }).catch(() => null) : null;
  const pipeline = first(params.pipeline);
  // /new?pipeline=fastq-qc&config=<url-encoded JSON>: a link that opens a filled-in config.
  const linked = run
    ? null
    : prefillFromLink(first(params.config), pipeline, pipelines[0]?.name ?? "");
  const initial: InitialRun | null =
    linked ??
    (run
      ? {
          pipeline: run.pipeline,
          text: JSON.stringify(run.config, null, 2),
          name: run.name,
          from: run.id,
        }
      : pipeline
        ? { pipeline, text: null, name: null, from: null }
        : null);
  return <NewRunClient pipelines={pipelines} initial={initial} />;
}
