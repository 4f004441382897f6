import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool } from "mysql2";
import type { PoolConnection } from "mysql2/promise";
import { withinTime } from "@/lib/within-time";

// A time budget for each statement sent in a scope (withStatementBudget), so that a
// request answers in time whatever MySQL does: while it shuts down it keeps connections
// open and accepts new ones but answers nothing, and a query would wait until the server
// drops the connection (15-20 s measured by e2e/faults); a frozen server (SIGSTOP) holds
// it for ever. Outside a scope, a pool's default applies (createDatabase's
// `statementBudgetMs`: the web's DB_REQUEST_TIMEOUT_MS), else nothing changes: migrations
// and the worker's batch work may take as long as they need (withoutStatementBudget).

/** A scope's budget in ms; null: no budget in this scope, whatever the pool's default. */
const statementBudget = new AsyncLocalStorage<number | null>();

/**
 * Runs `work` with every statement it sends (drizzle's queries and runTransaction) bounded
 * to `ms`: waiting for a connection, making one and the answer together. A late statement
 * fails with code PROTOCOL_SEQUENCE_TIMEOUT (a 503, server/errors.ts); its connection is
 * destroyed, never reused (the server rolls back whatever it had begun).
 */
export function withStatementBudget<T>(ms: number, work: () => Promise<T>): Promise<T> {
  return statementBudget.run(ms, work);
}

/** Runs `work` with no statement budget, whatever the pool's default (migrations). */
export function withoutStatementBudget<T>(work: () => Promise<T>): Promise<T> {
  return statementBudget.run(null, work);
}

/** The budget in ms that applies here: the scope's, else `fallback` (the pool's default). */
export function currentStatementBudget(fallback?: number): number | undefined {
  const scoped = statementBudget.getStore();
  return scoped === undefined ? fallback : (scoped ?? undefined);
}

export const lateStatement = (ms: number) => () =>
  Object.assign(new Error(`MySQL did not answer within ${ms} ms`), {
    code: "PROTOCOL_SEQUENCE_TIMEOUT",
  });

/** Whether a connection must be thrown away after this error rather than reused. */
export function isBroken(error: unknown): boolean {
  const e = error as { fatal?: unknown; code?: unknown } | null;
  return e?.fatal === true || e?.code === "PROTOCOL_SEQUENCE_TIMEOUT";
}

/**
 * A connection of the pool within `ms`, or an ETIMEDOUT error (mysql2 pools wait for a
 * free connection without limit). One that arrives after the deadline goes back to the pool.
 */
export async function acquire(pool: Pool, ms: number): Promise<PoolConnection> {
  const pending = pool.promise().getConnection();
  const late = () =>
    Object.assign(new Error(`no database connection within ${ms} ms`), { code: "ETIMEDOUT" });
  return withinTime(pending, ms, late, () => {
    pending.then((connection) => connection.release()).catch(() => undefined);
  });
}

/**
 * Runs `send` on a connection of the pool, waiting at most `acquireMs` for one and, when
 * `answerMs` is given, at most that in all for the answer (a late connection is destroyed).
 * The connection goes back to the pool afterwards, or is destroyed when it broke (fatal).
 */
export async function onConnection<T>(
  pool: Pool,
  limits: { acquireMs: number; answerMs?: number },
  send: (connection: PoolConnection) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const connection = await acquire(pool, limits.answerMs ?? limits.acquireMs);
  let work: Promise<T> = send(connection);
  if (limits.answerMs !== undefined) {
    const left = Math.max(1, limits.answerMs - (performance.now() - started));
    work.catch(() => undefined); // abandoned with its connection when late
    work = withinTime(work, left, lateStatement(limits.answerMs), () => connection.destroy());
  }
  try {
    const result = await work;
    connection.release();
    return result;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "PROTOCOL_SEQUENCE_TIMEOUT") {
      if (isBroken(error)) connection.destroy();
      else connection.release();
    }
    throw error;
  }
}

type QueryArgs = [options: unknown, values?: unknown];
type Send = (options: unknown, values?: unknown) => Promise<unknown>;

/**
 * A connection taken for a transaction (drizzle's `db.transaction`, named locks): each
 * statement keeps to the budget that applies when it is sent. A late one destroys the
 * connection (the server rolls the transaction back), and every later statement on it
 * (drizzle's ROLLBACK) fails at once with the same error instead of waiting again.
 */
function boundedConnection(connection: PoolConnection, defaultMs: number | undefined) {
  let broken: Error | undefined;
  return new Proxy(connection, {
    get(target, property) {
      if (property === "query" || property === "execute") {
        return async (...args: QueryArgs) => {
          if (broken) throw broken;
          const work = (target[property] as Send).apply(target, args);
          const ms = currentStatementBudget(defaultMs);
          if (ms === undefined) return work;
          work.catch(() => undefined); // abandoned with its connection when late
          return withinTime(work, ms, lateStatement(ms), () => {
            broken = lateStatement(ms)();
            target.destroy();
          });
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
}

/**
 * The pool as drizzle sees it: query and execute keep to the statement budget that
 * applies (the scope's, else `defaultMs`), and so does each statement of a transaction,
 * whose connection is waited for at most that long too.
 */
export function budgetedClient(pool: Pool, defaultMs?: number) {
  const promisePool = pool.promise();
  return new Proxy(promisePool, {
    get(target, property) {
      if (property === "query" || property === "execute") {
        return async (...args: QueryArgs) => {
          const ms = currentStatementBudget(defaultMs);
          if (ms === undefined) return (target[property] as Send).apply(target, args);
          return onConnection(pool, { acquireMs: ms, answerMs: ms }, (c) =>
            (c[property] as Send).apply(c, args),
          );
        };
      }
      if (property === "getConnection") {
        return async () => {
          const ms = currentStatementBudget(defaultMs);
          const connection = await (ms === undefined ? target.getConnection() : acquire(pool, ms));
          return boundedConnection(connection, defaultMs);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
}
