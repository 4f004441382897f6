import type { Statement } from "@/db/client";
import { auditEvents } from "@/db/schema";
import type { AuditAction, AuditOutcome, AuditTargetType, AuditVia } from "@/lib/contract/audit";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";

/** Who acted: a signed-in caller, the command line, or somebody signing in. */
export type AuditActor =
  Principal | "cli" | { userId: number | null; username: string | null; via: AuditVia };

export interface AuditEvent {
  action: AuditAction;
  /** Default `ok`. */
  outcome?: AuditOutcome;
  actor: AuditActor;
  /** clientIp(config, headers) of the request; omitted (null) off HTTP: CLI, beat. */
  ip?: string | null;
  target?: { type: AuditTargetType; id: string | number } | null;
  /** What, per action: small and never a secret (token names, field names, statuses). */
  details?: Record<string, unknown>;
  at?: Date;
}

export type AuditRow = typeof auditEvents.$inferInsert;

/** Details longer than this (as JSON) are replaced by a note: the log must stay small. */
export const MAX_DETAILS_CHARS = 4000;

const cut = (text: string | null, length: number) => (text === null ? null : text.slice(0, length));

/** The row an event becomes: values cut to their columns, so that a write never fails on length. */
export function toAuditRow(event: AuditEvent): AuditRow {
  const { actor } = event;
  const who =
    actor === "cli"
      ? { userId: null, username: null, via: "cli" as const }
      : { userId: actor.userId, username: actor.username, via: actor.via };
  let details = event.details ?? {};
  if (JSON.stringify(details).length > MAX_DETAILS_CHARS) {
    details = { truncated: `details over ${MAX_DETAILS_CHARS} characters were left out` };
  }
  return {
    at: event.at ?? new Date(),
    action: event.action,
    outcome: event.outcome ?? "ok",
    actorUserId: who.userId,
    actorUsername: cut(who.username, 64),
    via: who.via,
    ip: cut(event.ip ?? null, 45),
    targetType: event.target?.type ?? null,
    targetId: event.target ? cut(String(event.target.id), 64) : null,
    details,
  };
}

/**
 * Writes an audit event on its own, after the action it records has been done, and never
 * throws: an action that succeeded must not answer 500 because its audit row could not
 * be written (MySQL went away in between). Such a loss is logged at error level with
 * the whole event, so the process log still has it. Actions whose audit row must commit
 * with them put `auditStatement` in their own transaction instead.
 */
export async function recordAudit(
  ctx: Pick<AppContext, "db" | "log">,
  event: AuditEvent,
): Promise<void> {
  const row = toAuditRow(event);
  try {
    await ctx.db.insert(auditEvents).values(row);
  } catch (error) {
    ctx.log.error({ err: error, audit: row }, "audit event not recorded");
  }
}

const COLUMNS = [
  "at",
  "action",
  "outcome",
  "actor_user_id",
  "actor_username",
  "via",
  "ip",
  "target_type",
  "target_id",
  "details",
] as const;

/**
 * The event as a statement of the caller's transaction (`runTransaction`, the group
 * commit): the audit row and the change commit together or not at all. `onlyIf` is an
 * SQL condition without parameters (e.g. IF_APPLIED of a run transition): the row is
 * inserted only when it holds.
 */
export function auditStatement(event: AuditEvent, onlyIf?: string): Statement {
  const row = toAuditRow(event);
  const params = [
    row.at,
    row.action,
    row.outcome,
    row.actorUserId,
    row.actorUsername,
    row.via,
    row.ip,
    row.targetType,
    row.targetId,
    JSON.stringify(row.details),
  ];
  const placeholders = COLUMNS.map(() => "?").join(", ");
  return {
    sql: `INSERT INTO audit_events (${COLUMNS.join(", ")}) SELECT ${placeholders} FROM DUAL${onlyIf ? ` WHERE ${onlyIf}` : ""}`,
    params,
  };
}
