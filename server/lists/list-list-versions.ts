import { desc, eq } from "drizzle-orm";
import { listVersions } from "@/db/schema";
import type { ListVersionView } from "@/lib/contract/lists";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import type { AppContext } from "../context";
import { findList } from "./list-view";

/**
 * The kept versions of a list, newest first (GET /api/v1/lists/{name}/versions; admins
 * only, as the list itself): at most KEPT_VERSIONS, the refresh deletes older ones.
 */
export async function listListVersions(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; name: string },
): Promise<{ items: ListVersionView[] }> {
  requireAdmin(options.principal, "see the lists' versions");
  const { list } = await findList(ctx, options.name);
  const rows = await ctx.db
    .select({
      id: listVersions.id,
      count: listVersions.count,
      hash: listVersions.hash,
      createdAt: listVersions.createdAt,
    })
    .from(listVersions)
    .where(eq(listVersions.listId, list.id))
    .orderBy(desc(listVersions.id));
  return {
    items: rows.map((row) => ({
      ...row,
      createdAt: row.createdAt.toISOString(),
      current: row.id === list.currentVersionId,
    })),
  };
}
