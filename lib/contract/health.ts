/** The health part of the HTTP contract (no authentication). */
import { z } from "zod";

const ZCheck = z.object({ ok: z.boolean(), latencyMs: z.number().nullable() });

/** What anybody may know without signing in: statuses, no hosts, pids or error texts. */
export const ZHealth = z.object({
  status: z.enum(["ok", "degraded", "down"]),
  database: ZCheck,
  redis: ZCheck,
  workers: z.object({ count: z.number().int() }),
  beat: z.object({ active: z.boolean() }),
});
export type Health = z.infer<typeof ZHealth>;

export const ZLiveness = z.object({ status: z.literal("ok") });
