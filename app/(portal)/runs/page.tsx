import type { Metadata } from "next";
import { canSeeAllRuns } from "@/lib/roles";
import { readChangesVersion } from "@/server/changes/publish-run-change";
import { AppError } from "@/server/errors";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { getAppContext } from "@/server/http/app-context";
import { parseQuery, toSearch } from "@/server/http/parse-query";
import { listPipelines } from "@/server/pipelines/list-pipelines";
import { ZListRunsQuery } from "@/lib/contract/runs";
import { listRuns } from "@/server/runs/list-runs";
import { RunsClient } from "./runs-client";

export const metadata: Metadata = { title: "Runs" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The runs list: filters and page in the URL, live updates in the client leaf. */
export default async function RunsPage({ searchParams }: { searchParams: SearchParams }) {
  const principal = await requirePagePrincipal("/runs");
  const search = toSearch(await searchParams);
  const app = getAppContext();
  const pipelines = (await listPipelines(app)).map((p) => p.name);
  try {
    const url = new URL(`http://runport.local/runs?${search.toString()}`);
    const query = parseQuery(url, ZListRunsQuery, {
      repeatable: ["status", "label"],
      commaLists: ["status"],
    });
    // Read before the list: a change made meanwhile makes the client read the list again.
    const version = await readChangesVersion(app);
    const list = await listRuns(app, { principal, query });
    return (
      <RunsClient
        initial={list}
        search={search.toString()}
        pipelines={pipelines}
        canFilterBySubmitter={canSeeAllRuns(principal.role)}
        version={version}
      />
    );
  } catch (error) {
    const detail = error instanceof AppError ? error.message : "The runs could not be listed.";
    return (
      <main>
        <h1>Runs</h1>
        <div className="alert alert-error" role="alert">
          {detail} <a href="/runs">Show all runs</a>
        </div>
      </main>
    );
  }
}
