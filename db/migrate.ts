import { migrate } from "drizzle-orm/mysql2/migrator";
import type { Database } from "./client";
import { LOCK_BUSY, withNamedLocks } from "./named-lock";

const LOCK_WAIT_SECONDS = 120;

/**
 * Applies the committed migrations. Several processes start at once (web, worker, beat),
 * so a MySQL named lock makes the first one migrate and the others wait for it.
 */
export async function migrateDatabase(db: Database, migrationsFolder: string): Promise<void> {
  const done = await withNamedLocks(db, ["runport:migrate"], LOCK_WAIT_SECONDS, () =>
    migrate(db, { migrationsFolder }),
  );
  if (done === LOCK_BUSY)
    throw new Error(`Could not take the lock runport:migrate in ${LOCK_WAIT_SECONDS}s`);
}
