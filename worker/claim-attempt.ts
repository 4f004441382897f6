import type { ClaimedRun } from "@/server/runs/claim-run";
import { withStatementBudget } from "@/server/statement-budget";
import { isUnavailable } from "@/server/errors";
import { claimRun } from "@/server/runs/claim-run";
import { findOwnClaim } from "@/server/runs/find-own-claim";
import { limitGuard, mayHaveLimits, refusal } from "@/server/runs/run-limits";
import type { ExecuteRunDeps } from "./execute-run";
import { attemptDirPrefix } from "./run-command";

/**
 * How long each statement of a claim may wait for MySQL (a connection and the answer).
 * A claim is one round trip; without a bound a frozen or unreachable MySQL would hold the
 * job, and the worker's slot, until the connection dies (a SIGSTOPped server: for ever).
 */
export const CLAIM_STATEMENT_MS = 5000;

export type ClaimResult = Awaited<ReturnType<typeof claimRun>> | "limited" | "busy" | "unavailable";

/** The run's limits, checked in its claim's round trip. */
const guardOf = ({ ctx, pipelineLimits }: ExecuteRunDeps, publicId: string) =>
  limitGuard({
    publicId,
    byPipeline: pipelineLimits,
    userMaxRunning: ctx.config.userMaxRunning,
    prefix: ctx.config.redisPrefix,
  });

/**
 * Claims a queued run within its limits, each statement bounded. "unavailable": MySQL did
 * not answer (the job is tried again later). A claim whose answer was lost that way may
 * have committed all the same: the next try of the same run takes it up (findOwnClaim)
 * rather than finding it no longer queued, so nothing is lost and nothing runs twice.
 */
export async function claimAttempt(
  deps: ExecuteRunDeps,
  publicId: string,
  onRead?: (run: ClaimedRun["run"]) => void,
): Promise<ClaimResult> {
  const { ctx, worker } = deps;
  const uncertain = deps.uncertainClaims;
  // Only after a claim of this run got no answer: it may have landed meanwhile.
  const ownClaim = async () => {
    if (!uncertain?.has(publicId) || deps.active.has(publicId)) return null;
    const own = await findOwnClaim(ctx, { publicId, workerId: worker.workerId });
    if (own) ctx.log.warn({ runId: publicId }, "took up a claim whose answer MySQL had not sent");
    return own;
  };
  try {
    return await withStatementBudget(CLAIM_STATEMENT_MS, async () => {
      // Before the limits, which would count that claim against the run itself.
      let claimed: ClaimResult = await ownClaim();
      if (!claimed) {
        const workDirPrefix = attemptDirPrefix(ctx.config.runsDir, publicId);
        const claim = { publicId, worker, workDirPrefix, ...(onRead ? { onRead } : {}) };
        const limited = await mayHaveLimits(ctx, deps.pipelineLimits);
        const result = limited
          ? await claimRun(ctx, { ...claim, guard: guardOf(deps, publicId) })
          : await claimRun(ctx, claim);
        claimed = result && "refused" in result ? refusal(result.refused) : result;
      }
      // No longer queued: the lost claim may have committed just before this one.
      claimed ??= await ownClaim();
      uncertain?.delete(publicId);
      return claimed;
    });
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    uncertain?.add(publicId);
    ctx.log.warn({ err: error, runId: publicId }, "MySQL did not answer the claim");
    return "unavailable";
  }
}
