import { asc, eq } from "drizzle-orm";
import { runAttempts, runEvents, runs } from "@/db/schema";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { getRunListVersions } from "../lists/record-run-list-versions";
import { findRunFor } from "./find-run-for";
import { toAttemptView, toEventView, toRunView, type RunView } from "./run-view";

/** One run with its config, events and attempts (GET /api/v1/runs/{id}). */
export async function getRun(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string },
): Promise<RunView> {
  const { run, submitter } = await findRunFor(ctx, { ...options, access: "read" });
  const [events, attempts, retryOf, listVersions] = await Promise.all([
    ctx.db.select().from(runEvents).where(eq(runEvents.runId, run.id)).orderBy(asc(runEvents.id)),
    ctx.db
      .select()
      .from(runAttempts)
      .where(eq(runAttempts.runId, run.id))
      .orderBy(asc(runAttempts.attempt)),
    run.retryOfRunId
      ? ctx.db.select({ publicId: runs.publicId }).from(runs).where(eq(runs.id, run.retryOfRunId))
      : Promise.resolve([]),
    getRunListVersions(ctx, run.id),
  ]);
  return {
    ...toRunView(run, { submitter, retryOf: retryOf[0]?.publicId ?? null }),
    config: JSON.parse(run.config) as unknown,
    events: events.map(toEventView),
    attempts: attempts.map(toAttemptView),
    listVersions,
  };
}
