import { and, eq, lt } from "drizzle-orm";
import { emailNotifications } from "@/db/schema";
import type { AppContext } from "../context";

/** A claim older than this was lost with its process mid-send (see markLostSends). */
const LOST_CLAIM_MS = 10 * 60_000;

/** Exponential from 30 s to 30 min, with up to 20 % jitter so that retries spread. */
export function retryDelayMs(attempts: number): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
  return Math.round(base * (1 + Math.random() * 0.2));
}

/**
 * Whether a failed send surely delivered nothing, so that trying again cannot mail twice:
 * the server answered 4xx (temporary), or the connection failed before the message was
 * handed over. A 5xx is final; a connection lost while the message was being handed over
 * (DATA) may have delivered it: not tried again.
 */
export function isSafeToRetry(error: unknown): boolean {
  const e = error as { responseCode?: number; command?: string };
  if (typeof e.responseCode === "number") return e.responseCode >= 400 && e.responseCode < 500;
  return e.command !== "DATA";
}

/**
 * A row left in `sending` by a process that died mid-send may have been delivered: it is
 * marked failed (logged), not sent again; one mail at most is the promise.
 */
export async function markLostSends(
  ctx: Pick<AppContext, "db" | "log">,
  now: Date,
): Promise<number> {
  const [header] = await ctx.db
    .update(emailNotifications)
    .set({ state: "failed", error: "the sender stopped while sending: outcome unknown" })
    .where(
      and(
        eq(emailNotifications.state, "sending"),
        lt(emailNotifications.claimedAt, new Date(now.getTime() - LOST_CLAIM_MS)),
      ),
    );
  if (header.affectedRows > 0)
    ctx.log.warn({ rows: header.affectedRows }, "mail claims lost mid-send marked failed");
  return header.affectedRows;
}
