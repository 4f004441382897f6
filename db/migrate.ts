import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/mysql2/migrator";
import type { Database } from "./client";

/**
 * Applies the committed migrations. Several processes start at once (web, worker, beat),
 * so a MySQL named lock makes the first one migrate and the others wait for it.
 */
export async function migrateDatabase(db: Database, migrationsFolder: string): Promise<void> {
  await withNamedLock(db, "runport:migrate", 120, () => migrate(db, { migrationsFolder }));
}

/** Runs `fn` holding a MySQL GET_LOCK on one pooled connection. */
export async function withNamedLock<T>(
  db: Database,
  name: string,
  timeoutSeconds: number,
  fn: () => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const [rows] = (await tx.execute(
      sql`SELECT GET_LOCK(${name}, ${timeoutSeconds}) AS got`,
    )) as unknown as [{ got: number | null }[]];
    if (rows[0]?.got !== 1)
      throw new Error(`Could not take the lock ${name} in ${timeoutSeconds}s`);
    try {
      return await fn();
    } finally {
      await tx.execute(sql`SELECT RELEASE_LOCK(${name})`);
    }
  });
}
