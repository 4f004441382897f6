import { eq, sql } from "drizzle-orm";
import { settings } from "@/db/schema";
import type { Principal } from "../auth/principal";
import type { IntakeState } from "@/lib/contract/operations";
import type { AppContext } from "../context";
import { requireAdmin } from "../auth/require-role";
import { recordAudit } from "../audit/record-audit";

const INTAKE_KEY = "intake";

/** Whether intake is paused, as MySQL records it (the truth, applied to Redis by the beat). */
export async function getIntake(ctx: Pick<AppContext, "db">): Promise<IntakeState> {
  const [row] = await ctx.db.select().from(settings).where(eq(settings.key, INTAKE_KEY));
  const value = (row?.value ?? {}) as Partial<IntakeState>;
  return { paused: value.paused === true, by: value.by ?? null, at: value.at ?? null };
}

/**
 * Makes the queue match the recorded intake state (BullMQ's pause is global: workers
 * finish what they run and take nothing new). The beat calls it every tick, so that a
 * pause survives a Redis flush.
 */
export async function applyIntake(ctx: AppContext): Promise<IntakeState> {
  const state = await getIntake(ctx);
  const paused = await ctx.queue.isPaused();
  if (state.paused && !paused) await ctx.queue.pause();
  if (!state.paused && paused) await ctx.queue.resume();
  return state;
}

/**
 * Pauses or resumes intake (admins): while paused, runs are still accepted and wait as
 * queued, but no worker starts a new one; running runs go on.
 */
export async function setIntake(
  ctx: AppContext,
  options: { principal: Principal; paused: boolean; ip?: string },
): Promise<IntakeState> {
  requireAdmin(options.principal, "pause or resume intake");
  const value: IntakeState = {
    paused: options.paused,
    by: options.principal.username,
    at: new Date().toISOString(),
  };
  await ctx.db
    .insert(settings)
    .values({ key: INTAKE_KEY, value, updatedAt: new Date() })
    .onDuplicateKeyUpdate({ set: { value: sql`VALUES(value)`, updatedAt: new Date() } });
  await recordAudit(ctx, {
    action: options.paused ? "intake.pause" : "intake.resume",
    actor: options.principal,
    ip: options.ip ?? null,
    target: { type: "intake", id: "intake" },
  });
  await applyIntake(ctx);
  ctx.log.warn({ by: value.by }, options.paused ? "intake paused" : "intake resumed");
  return value;
}
