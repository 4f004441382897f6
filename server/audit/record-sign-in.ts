import type { AuditOutcome } from "@/lib/contract/audit";
import { normalizeUsername } from "@/lib/username";
import type { AppContext } from "../context";
import { recordAudit } from "./record-audit";

/**
 * A sign-in attempt in the audit log: `ok`, `failed` (wrong password, unknown or disabled
 * user) or `locked` (refused by the throttle before any check). `username` is what was
 * typed: the actor is its normalised form when a user could have it. Text no user can
 * have is never stored (people type passwords into the username box): the actor is then
 * null and the details say how long it was. `via`: the sign-in
 * form, or HTTP Basic with a password (callers record only its failures: an `ok` per API
 * request would drown the log). Never throws (see recordAudit).
 */
export async function recordSignIn(
  ctx: Pick<AppContext, "db" | "log">,
  attempt: {
    username: string;
    /** The user the name belongs to, when there is one. */
    userId: number | null;
    outcome: AuditOutcome;
    ip: string;
    via: "sign-in" | "password";
    reason?: string;
  },
): Promise<void> {
  const name = normalizeUsername(attempt.username);
  const reason = attempt.reason ? { reason: attempt.reason } : {};
  await recordAudit(ctx, {
    action: "sign-in",
    outcome: attempt.outcome,
    actor: { userId: attempt.userId, username: name, via: attempt.via },
    ip: attempt.ip,
    target: name ? { type: "user", id: name } : null,
    details: name ? reason : { ...reason, invalidName: `${attempt.username.length} characters` },
  });
}
