import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createTestContext } from "@/test/context";
import { createDatabase, withStatementBudget, withoutStatementBudget } from "./client";
import { withNamedLocks } from "./named-lock";

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

describe("a pool's default statement budget (the web's DB_REQUEST_TIMEOUT_MS)", () => {
  const handle = createDatabase(ctx.config.databaseUrl, { statementBudgetMs: 300 });
  afterAll(() => handle.close());

  it("bounds statements outside any scope; withoutStatementBudget lifts it", async () => {
    const started = performance.now();
    const late = handle.db.execute(sql`SELECT SLEEP(3)`);
    await expect(late).rejects.toMatchObject({ cause: { code: "PROTOCOL_SEQUENCE_TIMEOUT" } });
    expect(performance.now() - started).toBeLessThan(1500);
    const [rows] = await withoutStatementBudget(() =>
      handle.db.execute(sql`SELECT SLEEP(0.5) AS slept`),
    );
    expect(rows).toEqual([{ slept: 0 }]);
  });

  it("bounds each statement of a transaction, and its ROLLBACK does not wait again", async () => {
    const started = performance.now();
    const late = handle.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1`);
      await tx.execute(sql`SELECT SLEEP(3)`);
    });
    await expect(late).rejects.toMatchObject({ cause: { code: "PROTOCOL_SEQUENCE_TIMEOUT" } });
    expect(performance.now() - started).toBeLessThan(1000);
    // The pool goes on, with a fresh connection in place of the destroyed one.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => handle.db.execute(sql`SELECT 1 AS one`)),
    );
    expect(answers.map(([rows]) => rows)).toEqual(Array(12).fill([{ one: 1 }]));
  });

  it("bounds named locks (their own transaction) the same way", async () => {
    const name = `budget-lock-${ctx.config.redisPrefix}`;
    const started = performance.now();
    const late = withNamedLocks(handle.db, [name], 0, (session) =>
      session.execute(sql`SELECT SLEEP(3)`),
    );
    await expect(late).rejects.toMatchObject({ cause: { code: "PROTOCOL_SEQUENCE_TIMEOUT" } });
    expect(performance.now() - started).toBeLessThan(1000);
    // The lock goes with the destroyed connection once the server ends that session (after
    // the SLEEP it was running): then another session takes it.
    let again: unknown;
    for (let i = 0; i < 25 && again !== "taken"; i++) {
      again = await withNamedLocks(handle.db, [name], 0, () => Promise.resolve("taken"));
      if (again !== "taken") await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(again).toBe("taken");
  });
});
