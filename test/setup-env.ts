import { randomBytes } from "node:crypto";
import { inject } from "vitest";

// Route handlers build their context from the environment (as in production); point it
// at this test run's own database, and give each test file its own Redis key prefix
// (below the run's prefix, which global teardown removes) so queues never mix.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.REDIS_URL = inject("redisUrl");
process.env.REDIS_PREFIX = `${inject("redisPrefix")}-${randomBytes(3).toString("hex")}`;
process.env.AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
process.env.LOG_LEVEL = "warn";
