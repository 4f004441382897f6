import { eq } from "drizzle-orm";
import { runs, users, type RunRow } from "@/db/schema";
import { isRunId } from "@/lib/ids";
import { canManageAllRuns, canSeeAllRuns } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";

/**
 * Loads a run the caller may see (`read`) or act on (`manage`): 404 when it does not
 * exist, 403 when it is somebody else's and the role does not widen access.
 */
export async function findRunFor(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; access: "read" | "manage" },
): Promise<{ run: RunRow; submitter: string }> {
  const { principal, runId: publicId, access } = options;
  if (!isRunId(publicId)) throw new AppError("NOT_FOUND", `There is no run "${publicId}"`);
  const [row] = await ctx.db
    .select({ run: runs, submitter: users.username })
    .from(runs)
    .innerJoin(users, eq(users.id, runs.userId))
    .where(eq(runs.publicId, publicId))
    .limit(1);
  if (!row) throw new AppError("NOT_FOUND", `There is no run "${publicId}"`);
  const own = row.run.userId === principal.userId;
  const allowed =
    access === "read"
      ? own || canSeeAllRuns(principal.role)
      : (own && principal.role !== "viewer") || canManageAllRuns(principal.role);
  if (!allowed) {
    throw new AppError("FORBIDDEN", `You may not ${access === "read" ? "see" : "change"} this run`);
  }
  return row;
}
