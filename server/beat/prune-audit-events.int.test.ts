import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { createTestContext } from "@/test/context";
import { pruneAuditEvents } from "./prune-audit-events";

const DAY_MS = 24 * 3600 * 1000;
let ctx: AppContext;

beforeAll(() => {
  ctx = createTestContext({ auditRetentionDays: 30 });
});

afterAll(async () => {
  await ctx.close();
});

/** Audit events `daysAgo` old, tagged with a target id of their own; returns the tag. */
async function eventsAged(daysAgo: number[]): Promise<string> {
  const tag = randomBytes(6).toString("hex");
  await ctx.db.insert(auditEvents).values(
    daysAgo.map((days) => ({
      at: new Date(Date.now() - days * DAY_MS),
      action: "user.create" as const,
      actorUsername: "admin",
      targetType: "user" as const,
      targetId: tag,
      details: { days },
    })),
  );
  return tag;
}

const daysLeft = async (tag: string) =>
  (await ctx.db.select().from(auditEvents).where(eq(auditEvents.targetId, tag)))
    .map((row) => (row.details as { days: number }).days)
    .sort((a, b) => a - b);

describe("audit retention (AUDIT_RETENTION_DAYS)", () => {
  it("removes the events older than AUDIT_RETENTION_DAYS and keeps the younger ones", async () => {
    const tag = await eventsAged([400, 31, 29, 1, 0]);
    expect(await pruneAuditEvents(ctx)).toBeGreaterThanOrEqual(2);
    expect(await daysLeft(tag)).toEqual([0, 1, 29]);
    expect(await pruneAuditEvents(ctx)).toBe(0); // nothing left to remove
  });

  it("removes a large backlog a bounded step per tick", async () => {
    const tag = await eventsAged(Array.from({ length: 12_000 }, () => 60));
    expect(await pruneAuditEvents(ctx)).toBe(10_000);
    expect(await daysLeft(tag)).toHaveLength(2_000);
    expect(await pruneAuditEvents(ctx)).toBe(2_000);
    expect(await daysLeft(tag)).toEqual([]);
  });

  it("keeps every event with AUDIT_RETENTION_DAYS=0 (the default)", async () => {
    const keepAll = createTestContext();
    try {
      expect(keepAll.config.auditRetentionDays).toBe(0);
      const tag = await eventsAged([4000, 400]);
      expect(await pruneAuditEvents(keepAll)).toBe(0);
      expect(await daysLeft(tag)).toEqual([400, 4000]);
    } finally {
      await keepAll.close();
    }
  });
});
