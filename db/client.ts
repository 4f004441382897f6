import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import { createPool, type Pool, type PoolOptions } from "mysql2";
import type { ResultSetHeader } from "mysql2/promise";
import * as schema from "./schema";
import { budgetedClient, currentStatementBudget, isBroken, onConnection } from "./statement-budget";

export { withStatementBudget, withoutStatementBudget } from "./statement-budget";

export type Database = MySql2Database<typeof schema>;

/** One SQL statement with `?` placeholders, e.g. from a drizzle builder's `.toSQL()`. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** What each statement of a transaction gave: a result header, or rows for a SELECT. */
export type StatementResult = ResultSetHeader | Record<string, unknown>[];

/**
 * Statements sent in the same round trip around a transaction: `before` ahead of its START
 * TRANSACTION (each commits on its own), `after` once it has committed, or once it has
 * been rolled back when a statement failed (so a named lock taken before is released).
 */
export interface AroundTransaction {
  before?: readonly Statement[];
  after?: readonly Statement[];
}

/**
 * Runs statements as one transaction in a single round trip (see createDatabase); the
 * results are the transaction's statements' only.
 */
export type RunTransaction = (
  statements: readonly Statement[],
  around?: AroundTransaction,
) => Promise<StatementResult[]>;

export interface DatabaseHandle {
  db: Database;
  pool: Pool;
  runTransaction: RunTransaction;
  close(): Promise<void>;
}

/** A new connection that gets no handshake in this time fails (ETIMEDOUT) instead of hanging. */
const CONNECT_TIMEOUT_MS = 2000;
/** How long runTransaction waits for a free connection outside a statement budget. */
const ACQUIRE_TIMEOUT_MS = 2000;

function utcPool(options: PoolOptions): Pool {
  const pool = createPool({
    timezone: "Z",
    supportBigNumbers: true,
    charset: "utf8mb4_unicode_ci",
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...options,
  });
  pool.on("connection", (connection) => {
    connection.query("SET time_zone = '+00:00'");
  });
  return pool;
}

function end(pool: Pool): Promise<void> {
  return new Promise((resolve, reject) => pool.end((error) => (error ? reject(error) : resolve())));
}

/**
 * Opens a pool on a mysql:// URL (every connection in UTC), and a second, small pool
 * for `runTransaction`: START TRANSACTION; s1; s2; COMMIT sent as ONE multi-statement
 * query. On the hot paths (submit, claim) each round trip costs a wake-up of MySQL, so
 * one trip instead of four or six is most of the latency. That pool only ever runs
 * statements built with placeholders (mysql2 escapes the values), never text from users.
 * mysql2 fills `?` in order without parsing SQL: statements must not contain a literal
 * `?` (in a string or comment), or every later value would shift.
 * `statementBudgetMs`: the statement budget outside any scope (db/statement-budget.ts).
 */
export function createDatabase(
  url: string,
  options: Partial<PoolOptions> & { statementBudgetMs?: number } = {},
): DatabaseHandle {
  const { statementBudgetMs, ...poolOptions } = options;
  const pool = utcPool({ uri: url, connectionLimit: 10, ...poolOptions });
  const db = drizzle(budgetedClient(pool, statementBudgetMs), { schema, mode: "default" });
  let batchPool: Pool | undefined;
  const runTransaction: RunTransaction = async (statements, around = {}) => {
    batchPool ??= utcPool({ uri: url, connectionLimit: 10, multipleStatements: true });
    const { before = [], after = [] } = around;
    const sent: Statement[] = [...before, { sql: "START TRANSACTION", params: [] }, ...statements];
    const all = [...sent, { sql: "COMMIT", params: [] }, ...after];
    const text = all.map((s) => s.sql).join(";\n");
    const params = all.flatMap((s) => s.params);
    const undo: Statement[] = [{ sql: "ROLLBACK", params: [] }, ...after];
    const budget = currentStatementBudget(statementBudgetMs);
    const limits = { acquireMs: budget ?? ACQUIRE_TIMEOUT_MS, answerMs: budget };
    const results = await onConnection(batchPool, limits, async (c) => {
      try {
        return (await c.query(text, params))[0];
      } catch (error) {
        // A failed statement stops the batch with the transaction still open: undo it (and
        // run `after`), and if even that fails, the connection is not handed back to the
        // pool (fatal). A lost connection is destroyed anyway; the server then rolls its
        // transaction back and releases its named locks.
        if (!isBroken(error))
          await c
            .query(
              undo.map((s) => s.sql).join(";\n"),
              undo.flatMap((s) => s.params),
            )
            .catch(() => Object.assign(error as object, { fatal: true }));
        throw error;
      }
    });
    return (results as StatementResult[]).slice(before.length + 1, sent.length);
  };
  return {
    db,
    pool,
    runTransaction,
    close: async () => {
      await Promise.all([end(pool), batchPool ? end(batchPool) : Promise.resolve()]);
    },
  };
}

export { schema };
