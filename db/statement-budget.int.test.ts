import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createTestContext } from "@/test/context";
import { withStatementBudget } from "./client";

// A statement that takes longer than its budget stands for a MySQL that stops answering
// (it does while it shuts down: e2e/faults measured requests held 15-20 s before).
const ctx = createTestContext();
afterAll(() => ctx.close());

describe("withStatementBudget", () => {
  it("fails a late query with PROTOCOL_SEQUENCE_TIMEOUT in time, and the pool goes on", async () => {
    const started = performance.now();
    const late = withStatementBudget(300, () => ctx.db.execute(sql`SELECT SLEEP(3)`));
    // drizzle wraps the driver's error: it is the cause.
    await expect(late).rejects.toMatchObject({ cause: { code: "PROTOCOL_SEQUENCE_TIMEOUT" } });
    expect(performance.now() - started).toBeLessThan(1500);
    const [rows] = await withStatementBudget(2000, () => ctx.db.execute(sql`SELECT 1 AS one`));
    expect(rows).toEqual([{ one: 1 }]);
  });

  it("bounds runTransaction too, and a late transaction stores nothing", async () => {
    const name = `budget-${ctx.config.redisPrefix}`;
    const late = withStatementBudget(300, () =>
      ctx.runTransaction([
        { sql: "CREATE TEMPORARY TABLE IF NOT EXISTS t_budget (n INT)", params: [] },
        { sql: "SELECT SLEEP(3)", params: [] },
        { sql: "SELECT ? AS name", params: [name] },
      ]),
    );
    await expect(late).rejects.toMatchObject({ code: "PROTOCOL_SEQUENCE_TIMEOUT" });
    const [result] = await ctx.runTransaction([{ sql: "SELECT ? AS name", params: [name] }]);
    expect(result).toEqual([{ name }]);
  });

  it("leaves statements outside a scope unbounded (migrations, locks, batch work)", async () => {
    const [rows] = await ctx.db.execute(sql`SELECT SLEEP(0.5) AS slept`);
    expect(rows).toEqual([{ slept: 0 }]);
  });
});
