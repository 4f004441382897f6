import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import { createPool, type Pool, type PoolOptions } from "mysql2";
import type { PoolConnection, ResultSetHeader } from "mysql2/promise";
import * as schema from "./schema";

export type Database = MySql2Database<typeof schema>;

/** One SQL statement with `?` placeholders, e.g. from a drizzle builder's `.toSQL()`. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** What each statement of a transaction gave: a result header, or rows for a SELECT. */
export type StatementResult = ResultSetHeader | Record<string, unknown>[];

/** Runs statements as one transaction in a single round trip (see createDatabase). */
export type RunTransaction = (statements: readonly Statement[]) => Promise<StatementResult[]>;

export interface DatabaseHandle {
  db: Database;
  pool: Pool;
  runTransaction: RunTransaction;
  close(): Promise<void>;
}

/** A new connection that gets no handshake in this time fails (ETIMEDOUT) instead of hanging. */
const CONNECT_TIMEOUT_MS = 2000;
/** How long runTransaction waits for a free connection of its pool before giving up. */
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

/**
 * A connection of the pool, or an ETIMEDOUT error after `ms` (mysql2 pools wait for a free
 * connection without limit). One that arrives after the deadline goes back to the pool.
 */
function acquire(pool: Pool, ms: number): Promise<PoolConnection> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(
        Object.assign(new Error(`no database connection within ${ms} ms`), { code: "ETIMEDOUT" }),
      );
    }, ms);
    pool
      .promise()
      .getConnection()
      .then(
        (connection) => {
          clearTimeout(timer);
          if (late) connection.release();
          else resolve(connection);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
  });
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
 */
export function createDatabase(url: string, options: Partial<PoolOptions> = {}): DatabaseHandle {
  const pool = utcPool({ uri: url, connectionLimit: 10, ...options });
  const db = drizzle(pool, { schema, mode: "default" });
  let batchPool: Pool | undefined;
  const runTransaction: RunTransaction = async (statements) => {
    batchPool ??= utcPool({ uri: url, connectionLimit: 10, multipleStatements: true });
    const connection = await acquire(batchPool, ACQUIRE_TIMEOUT_MS);
    const text = ["START TRANSACTION", ...statements.map((s) => s.sql), "COMMIT"].join(";\n");
    let results: unknown;
    try {
      [results] = await connection.query(
        text,
        statements.flatMap((s) => s.params),
      );
    } catch (error) {
      // A failed statement stops the batch with the transaction still open: undo it, and
      // if even that fails, never hand the connection back to the pool.
      try {
        await connection.query("ROLLBACK");
        connection.release();
      } catch {
        connection.destroy();
      }
      throw error;
    }
    connection.release();
    return (results as StatementResult[]).slice(1, statements.length + 1);
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
