import type { RefreshResult } from "@/lib/contract/lists";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { findList, toListView } from "./list-view";
import { refreshList } from "./refresh-list";

/**
 * "Refresh now" (POST /api/v1/lists/{name}/refresh; admins only): reads the source at once
 * and answers what happened; a failure is an answer (outcome `failed`, the list keeps its
 * last good version), not an error. 409 while another refresh of the list runs.
 */
export async function refreshListNow(
  ctx: Pick<AppContext, "db" | "config" | "redis" | "keys" | "log">,
  options: { principal: Principal; name: string; ip?: string },
): Promise<RefreshResult> {
  requireAdmin(options.principal, "refresh lists");
  const { list } = await findList(ctx, options.name);
  const result = await refreshList(ctx, list);
  if (result.outcome === "busy") {
    throw new AppError("CONFLICT", `The list ${list.name} is being refreshed already`);
  }
  await recordAudit(ctx, {
    action: "list.refresh",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "list", id: list.name },
    details: { outcome: result.outcome },
  });
  const after = await findList(ctx, options.name);
  return {
    outcome: result.outcome,
    count: result.outcome === "failed" ? null : result.count,
    error: result.outcome === "failed" ? result.error : null,
    list: toListView(after.list, after.version),
  };
}
