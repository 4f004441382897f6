import { migrate } from "drizzle-orm/mysql2/migrator";
import type { Database } from "./client";
import { LOCK_BUSY, withNamedLocks } from "./named-lock";

// Long: a migration that builds indexes over millions of runs takes minutes (0006: about 37 s
// per million runs), and the processes that wait must not give up and restart meanwhile.
const LOCK_WAIT_SECONDS = 3600;

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
