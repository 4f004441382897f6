import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { canManageAllRuns } from "@/lib/roles";
import { AppError } from "@/server/errors";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { requestOrigin } from "@/server/http/request-origin";
import { getRunReport } from "@/server/outputs/get-run-report";
import { listOutputs } from "@/server/outputs/list-outputs";
import { getRun } from "@/server/runs/get-run";
import { RunClient } from "./run-client";

export const metadata: Metadata = { title: "Run" };

/** One run: status, progress, outputs, timeline, config and the live log. */
export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const principal = await requirePagePrincipal(`/runs/${id}`);
  try {
    const app = getAppContext();
    const run = await getRun(app, { principal, runId: id });
    const outputs = await listOutputs(app, { principal, runId: id });
    const report = await getRunReport(app, run);
    const own = run.submitter === principal.username;
    const canManage = (own && principal.role !== "viewer") || canManageAllRuns(principal.role);
    const origin = await requestOrigin();
    return (
      <RunClient
        initial={run}
        initialOutputs={outputs}
        report={report}
        canManage={canManage}
        canSubmit={principal.role !== "viewer"}
        origin={origin}
        username={principal.username}
      />
    );
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    if (error instanceof AppError && error.code === "FORBIDDEN") {
      return (
        <main>
          <h1>Run {id}</h1>
          <div className="alert alert-error" role="alert">
            This is somebody else&apos;s run; your role lets you see only your own.{" "}
            <Link href="/runs">Your runs</Link>
          </div>
        </main>
      );
    }
    throw error;
  }
}
