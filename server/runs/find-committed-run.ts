import { eq } from "drizzle-orm";
import { withStatementBudget } from "@/db/client";
import { runs } from "@/db/schema";
import { isBroken } from "@/db/statement-budget";
import type { AppContext } from "../context";
import { isDuplicateKey } from "./is-duplicate-key";

/**
 * How long the look-up may take. The submission has already waited its 1.2 s budget, and a
 * refusal must still come within 2 s while MySQL is away (e2e/faults: slowest 503 1.64 s
 * before the look-up, which then adds this in full). A primary-key read of a live server
 * takes a few ms.
 */
const LOOKUP_MS = 200;

/**
 * The row id of the run `publicId` if the transaction that inserted it committed although
 * its answer failed: the answer came after the statement budget, or the connection broke
 * after the statements were sent (GroupCommit may then have retried it alone, which met
 * the run's own row: a duplicate key). Then the outcome is unknown to the caller, and a 503
 * would make a client without an Idempotency-Key submit the run twice. The id is made
 * before the insert, so the run is looked up by it (another connection, LOOKUP_MS). Null
 * when the error says nothing was committed, the run is not there, or the look-up fails
 * too. A COMMIT still on its way when the look-up runs is not seen (a rare 503 remains).
 */
export async function findCommittedRun(
  ctx: Pick<AppContext, "db" | "log">,
  error: unknown,
  publicId: string,
): Promise<number | null> {
  // A duplicate key: a batch that committed late was retried alone and met its own row.
  if (!isBroken(error) && !isDuplicateKey(error)) return null;
  try {
    const [row] = await withStatementBudget(LOOKUP_MS, () =>
      ctx.db.select({ id: runs.id }).from(runs).where(eq(runs.publicId, publicId)).limit(1),
    );
    if (row)
      ctx.log.warn({ runId: publicId }, "the run was stored although its commit's answer failed");
    return row?.id ?? null;
  } catch {
    return null;
  }
}
