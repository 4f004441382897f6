import { and, eq, inArray } from "drizzle-orm";
import { runEvents, runs, type RunRow } from "@/db/schema";
import type { RunStatus } from "@/lib/run-status";
import type { Database } from "@/db/client";

type RunUpdate = Partial<Omit<RunRow, "id" | "publicId" | "status">>;

/**
 * Moves a run from one of `from` to `to` with a conditional UPDATE and records the
 * event in the same transaction. Returns false (and writes nothing) when the run was
 * no longer in any of `from`: somebody else moved it first.
 */
export async function transitionRun(
  db: Database,
  options: {
    runId: number;
    from: readonly RunStatus[];
    to: RunStatus;
    set?: RunUpdate;
    message?: string;
    attempt?: number;
    actorUserId?: number | null;
    now?: Date;
  },
): Promise<boolean> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ status: runs.status, attempt: runs.attempt })
      .from(runs)
      .where(eq(runs.id, options.runId))
      .for("update");
    if (!current || !options.from.includes(current.status)) return false;
    const [result] = await tx
      .update(runs)
      .set({ ...options.set, status: options.to, updatedAt: now })
      .where(and(eq(runs.id, options.runId), inArray(runs.status, options.from)));
    if (result.affectedRows !== 1) return false;
    await tx.insert(runEvents).values({
      runId: options.runId,
      attempt: options.attempt ?? options.set?.attempt ?? current.attempt,
      fromStatus: current.status,
      toStatus: options.to,
      message: options.message?.slice(0, 1000) ?? null,
      actorUserId: options.actorUserId ?? null,
      createdAt: now,
    });
    return true;
  });
}
