/** The audit part of the HTTP contract (administrators): who did what, when, from where. */
import { z } from "zod";
import { zDateTime } from "./common";

/**
 * Every action the audit log records. Stored as text, so a new action needs no migration;
 * the API and the page only ever show these.
 */
export const AUDIT_ACTIONS = [
  "sign-in",
  "token.create",
  "token.revoke",
  "password.change",
  "user.create",
  "user.disable",
  "user.enable",
  "user.update",
  "user.delete",
  "run.cancel",
  "run.release",
  "run.retry",
  "schedule.create",
  "schedule.update",
  "schedule.delete",
  "list.create",
  "list.update",
  "list.delete",
  "list.refresh",
  "intake.pause",
  "intake.resume",
  "rule.create",
  "rule.update",
  "rule.delete",
  "webhook.create",
  "webhook.delete",
  "webhook.test",
  "webhook.redeliver",
  "worker.drain",
  "workers.reload",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `ok`: done; `failed`: refused (a wrong password); `locked`: refused by the throttle. */
export const AUDIT_OUTCOMES = ["ok", "failed", "locked"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const AUDIT_TARGET_TYPES = [
  "user",
  "token",
  "run",
  "schedule",
  "intake",
  "list",
  "rule",
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** How the actor proved who they were; `cli` is the command line on the server. */
export const AUDIT_VIA = ["password", "token", "session", "sign-in", "cli"] as const;
export type AuditVia = (typeof AUDIT_VIA)[number];

/** `user:alice`, `run:01m8…`, or a bare id (any type). */
export const AUDIT_TARGET_PATTERN =
  /^(?:(user|token|run|schedule|intake|list|rule):)?([A-Za-z0-9._-]{1,64})$/;

/** Query of `GET /api/v1/audit`. */
export const ZListAuditQuery = z.object({
  actor: z.string().max(64).optional().meta({ description: "The actor's username" }),
  action: z
    .array(z.enum(AUDIT_ACTIONS))
    .default([])
    .meta({ description: "Repeatable, or comma-separated" }),
  target: z
    .string()
    .regex(AUDIT_TARGET_PATTERN, "must be an id, or type:id (user:alice, run:01…)")
    .optional()
    .meta({ description: "What was acted on: `type:id` (`user:alice`, `run:<id>`) or an id" }),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  since: z.iso.datetime().optional().meta({ description: "From this moment on (inclusive)" }),
  until: z.iso.datetime().optional().meta({ description: "Before this moment (exclusive)" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(60).optional().meta({ description: "nextCursor of the previous page" }),
});
export type TListAuditQuery = z.infer<typeof ZListAuditQuery>;

/** One audit event as the API returns it. */
export const ZAuditEventView = z.object({
  id: z.number().int(),
  at: zDateTime(),
  action: z.enum(AUDIT_ACTIONS),
  outcome: z.enum(AUDIT_OUTCOMES),
  actor: z.string().nullable().meta({
    description: "Username; null: the command line, or a sign-in with a name no user can have",
  }),
  via: z.enum(AUDIT_VIA).nullable(),
  ip: z
    .string()
    .nullable()
    .meta({ description: "Client address (`unknown` without a trusted proxy); null: no HTTP" }),
  target: z.object({ type: z.enum(AUDIT_TARGET_TYPES), id: z.string() }).nullable(),
  details: z
    .record(z.string(), z.unknown())
    .meta({ description: "What changed, per action (token name, fields, statuses, reason)" }),
});
export type AuditEventView = z.infer<typeof ZAuditEventView>;

/** A page of `GET /api/v1/audit`, newest first. No total: counting a long log costs a scan. */
export const ZAuditEventList = z.object({
  items: z.array(ZAuditEventView),
  nextCursor: z.string().nullable(),
});
export type AuditEventList = z.infer<typeof ZAuditEventList>;
