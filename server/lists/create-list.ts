import { ZCreateListRequest, type ListView } from "@/lib/contract/lists";
import { referenceLists } from "@/db/schema";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { parseJsonDocument } from "../http/json-body";
import { isDuplicateKey } from "../runs/is-duplicate-key";
import { checkListSettings } from "./check-list-settings";
import { toListView } from "./list-view";

/**
 * Defines a list (POST /api/v1/lists; admins only). Its first refresh is due at once (the
 * next beat tick), then on `cron`. 409 when the name is taken; 422 for a bad source, cron
 * expression or time zone, or a URL whose host is not in LIST_URL_HOSTS.
 */
export async function createList(
  ctx: Pick<AppContext, "db" | "log" | "config">,
  options: { principal: Principal; bodyText: string; ip?: string; now?: Date },
): Promise<ListView> {
  requireAdmin(options.principal, "define lists");
  const { value } = parseJsonDocument(options.bodyText, ZCreateListRequest, {
    subject: "The list",
  });
  const cron = checkListSettings(value, ctx.config);
  const now = options.now ?? new Date();
  const row = {
    name: value.name,
    description: value.description,
    source: value.source,
    cron,
    timeZone: value.timeZone,
    perUser: value.perUser,
    nextRefreshAt: now,
    lastRefreshAt: null,
    lastError: null,
    lastErrorAt: null,
    currentVersionId: null,
    createdAt: now,
    updatedAt: null,
  };
  const inserted = await ctx.db
    .insert(referenceLists)
    .values(row)
    .catch((error: unknown) => {
      if (isDuplicateKey(error)) {
        throw new AppError("CONFLICT", `A list named ${value.name} exists already`);
      }
      throw error;
    });
  await recordAudit(ctx, {
    action: "list.create",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "list", id: value.name },
    details: { source: value.source.kind, cron, perUser: value.perUser },
  });
  return toListView({ ...row, id: inserted[0].insertId }, null);
}
