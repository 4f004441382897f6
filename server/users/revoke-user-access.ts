import { withinTime } from "@/lib/within-time";
import type { AppContext } from "../context";

/**
 * Ends what a user holds open, at once and in every web process: their cached Basic and
 * bearer credentials, their browser sessions' cached user, and their live log views (which
 * end with a last `problem` event). Called after a user is disabled, deleted or given
 * another role, once the change is committed: what is read afterwards comes from MySQL,
 * which stays the truth. Should Redis not carry the message, the other processes' caches
 * expire within AUTH_CACHE_SECONDS (sessions: 10 s) and live views check the user every 30 s.
 * `only: "credentials"` (an API token revoked) forgets the cached credentials and session
 * users and ends only the live views opened with a token: the user and their role did not
 * change, their browser views stay open.
 */
export async function revokeUserAccess(
  ctx: Pick<AppContext, "redis" | "keys" | "log" | "runNotifications">,
  userId: number,
  options: { only?: "credentials" } = {},
): Promise<void> {
  const scope = options.only ?? "all";
  ctx.runNotifications.userRevoked(userId, scope); // this process, even when Redis is away
  try {
    // Bounded: a frozen Redis must not hold the admin's answer (the change is committed).
    const message = scope === "all" ? String(userId) : `${userId} credentials`;
    const announce = ctx.redis.publish(ctx.keys.usersChannel, message);
    await withinTime(announce, 1000, () => new Error("Redis did not answer within 1 s"));
  } catch (error) {
    ctx.log.warn({ err: error, userId }, "could not announce a revoked user to the web processes");
  }
}
