import { and, desc, eq, gte, inArray, lt, or, type SQL } from "drizzle-orm";
import { auditEvents, type AuditEventRow } from "@/db/schema";
import type { AuditEventList, AuditEventView, TListAuditQuery } from "@/lib/contract/audit";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { decodeAuditCursor, encodeAuditCursor, parseAuditTarget } from "./audit-cursor";

function toAuditEventView(row: AuditEventRow): AuditEventView {
  return {
    id: row.id,
    at: row.at.toISOString(),
    action: row.action,
    outcome: row.outcome,
    actor: row.actorUsername,
    via: row.via,
    ip: row.ip,
    target: row.targetType ? { type: row.targetType, id: row.targetId ?? "" } : null,
    details: row.details,
  };
}

function filters(query: TListAuditQuery): SQL[] {
  const where: SQL[] = [];
  if (query.actor) where.push(eq(auditEvents.actorUsername, query.actor));
  if (query.action.length > 0) where.push(inArray(auditEvents.action, query.action));
  if (query.outcome) where.push(eq(auditEvents.outcome, query.outcome));
  if (query.target) {
    const target = parseAuditTarget(query.target);
    if (!target) throw new AppError("BAD_REQUEST", `"${query.target}" is not a target`);
    if (target.type) where.push(eq(auditEvents.targetType, target.type));
    where.push(eq(auditEvents.targetId, target.id));
  }
  if (query.since) where.push(gte(auditEvents.at, new Date(query.since)));
  if (query.until) where.push(lt(auditEvents.at, new Date(query.until)));
  if (query.cursor) {
    const cursor = decodeAuditCursor(query.cursor);
    if (!cursor) throw new AppError("BAD_REQUEST", "The cursor is not valid");
    const older = or(
      lt(auditEvents.at, cursor.at),
      and(eq(auditEvents.at, cursor.at), lt(auditEvents.id, cursor.id)),
    );
    if (older) where.push(older);
  }
  return where;
}

/**
 * The audit log, newest first (GET /api/v1/audit), for administrators only (403 for
 * anyone else): filtered by actor, actions, outcome, target and time, a page at a time
 * with a keyset cursor on (at, id), so that a page costs the same at any depth.
 */
export async function listAuditEvents(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; query: TListAuditQuery },
): Promise<AuditEventList> {
  requireAdmin(options.principal, "read the audit log");
  const { query } = options;
  const rows = await ctx.db
    .select()
    .from(auditEvents)
    .where(and(...filters(query)))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items: items.map(toAuditEventView),
    nextCursor: rows.length > query.limit && last ? encodeAuditCursor(last) : null,
  };
}
