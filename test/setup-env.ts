import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { copyDatabase } from "./file-database";

// Route handlers build their context from the environment (as in production); point it
// at this test file's own database (a copy of the run's migrated one) and Redis key
// prefix (below the run's prefix), so that no file sees another's rows or jobs: the
// beat's work reads whole tables. Global teardown drops both.
const file = randomBytes(3).toString("hex");
process.env.DATABASE_URL = await copyDatabase(
  inject("databaseUrl"),
  inject("databaseTables"),
  file,
);
process.env.REDIS_URL = inject("redisUrl");
process.env.REDIS_PREFIX = `${inject("redisPrefix")}-${file}`;
process.env.AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
process.env.LOG_LEVEL = "warn";
