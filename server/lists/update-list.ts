import { eq } from "drizzle-orm";
import { referenceLists } from "@/db/schema";
import { ZUpdateListRequest, type ListView } from "@/lib/contract/lists";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { parseJsonDocument } from "../http/json-body";
import { checkListSettings } from "./check-list-settings";
import { findList, toListView } from "./list-view";

/**
 * Changes a list (PATCH /api/v1/lists/{name}; admins only). A new source or schedule makes
 * a refresh due at once; the current version stays until that refresh succeeds.
 */
export async function updateList(
  ctx: Pick<AppContext, "db" | "log" | "config">,
  options: { principal: Principal; name: string; bodyText: string; ip?: string; now?: Date },
): Promise<ListView> {
  requireAdmin(options.principal, "change lists");
  const { value } = parseJsonDocument(options.bodyText, ZUpdateListRequest, {
    subject: "The list",
  });
  const { list, version } = await findList(ctx, options.name);
  const merged = { ...list, ...value };
  const cron = checkListSettings(merged, ctx.config);
  const now = options.now ?? new Date();
  const refreshNow =
    value.source !== undefined ||
    value.cron !== undefined ||
    value.timeZone !== undefined ||
    value.perUser !== undefined;
  // Values kept for everybody cannot answer per user, nor the other way round: until the
  // refresh in the new kind succeeds, the list has no values (not checked, with a warning).
  const kindChanged = value.perUser !== undefined && value.perUser !== list.perUser;
  const changes = {
    ...value,
    cron,
    updatedAt: now,
    ...(refreshNow ? { nextRefreshAt: now } : {}),
    ...(kindChanged ? { currentVersionId: null } : {}),
  };
  await ctx.db.update(referenceLists).set(changes).where(eq(referenceLists.id, list.id));
  await recordAudit(ctx, {
    action: "list.update",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "list", id: list.name },
    details: { fields: Object.keys(value) },
  });
  return toListView({ ...list, ...changes }, kindChanged ? null : version);
}
