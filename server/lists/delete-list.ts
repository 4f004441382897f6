import { eq } from "drizzle-orm";
import { referenceLists } from "@/db/schema";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { findList } from "./list-view";

/**
 * Deletes a list and its versions (DELETE /api/v1/lists/{name}; admins only). Schemas
 * that name it are no longer checked against it (silently, as for a list never defined);
 * runs keep the version ids they were validated against.
 */
export async function deleteList(
  ctx: Pick<AppContext, "db" | "log">,
  options: { principal: Principal; name: string; ip?: string },
): Promise<void> {
  requireAdmin(options.principal, "delete lists");
  const { list } = await findList(ctx, options.name);
  const [result] = await ctx.db.delete(referenceLists).where(eq(referenceLists.id, list.id));
  if (result.affectedRows !== 1) return;
  await recordAudit(ctx, {
    action: "list.delete",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "list", id: list.name },
  });
}
