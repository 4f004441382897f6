import { sql } from "drizzle-orm";
import type { Database } from "./client";

/** The connection that holds the locks (named locks belong to a connection). */
export type LockSession = Pick<Database, "execute">;

/** What withNamedLocks answers when a lock was not free within the wait. */
export const LOCK_BUSY = Symbol("named lock busy");

/**
 * Runs `fn` holding MySQL named locks (GET_LOCK), taken in the given order on one pooled
 * connection and released in reverse. The transaction only holds that connection: `fn`
 * may use it (`session`) or commit on other connections while the locks are held.
 * Answers LOCK_BUSY, without running `fn`, when a lock is not free within waitSeconds.
 */
export async function withNamedLocks<T>(
  db: Database,
  names: readonly string[],
  waitSeconds: number,
  fn: (session: LockSession) => Promise<T>,
): Promise<T | typeof LOCK_BUSY> {
  return db.transaction(async (session) => {
    const taken: string[] = [];
    try {
      for (const name of names.map((n) => n.slice(0, 64))) {
        const [rows] = (await session.execute(
          sql`SELECT GET_LOCK(${name}, ${waitSeconds}) AS ok`,
        )) as unknown as [{ ok: number | null }[]];
        if (Number(rows[0]?.ok) !== 1) return LOCK_BUSY;
        taken.push(name);
      }
      return await fn(session);
    } finally {
      for (const name of taken.reverse())
        await session.execute(sql`SELECT RELEASE_LOCK(${name})`).catch(() => undefined);
    }
  });
}
