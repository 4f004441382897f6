import { randomBytes } from "node:crypto";
import { createDatabase } from "@/db/client";
import { dropDatabase, ensureDatabase } from "@/db/ensure-database";
import { migrateDatabase } from "@/db/migrate";
import { createRedis } from "@/server/redis";

export interface TestResources {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  remove(): Promise<void>;
}

/**
 * A database and a Redis key prefix of their own for one test run, so tests never
 * touch a developer's data. Servers come from TEST_DATABASE_SERVER / TEST_REDIS_URL
 * (default: the local services). remove() drops both.
 */
export async function createTestResources(): Promise<TestResources> {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  const server = (process.env.TEST_DATABASE_SERVER ?? "mysql://root@127.0.0.1:3306").replace(
    /\/$/,
    "",
  );
  const databaseUrl = `${server}/runport_test_${id}`;
  const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  const redisPrefix = `rpt-${id}`;
  await ensureDatabase(databaseUrl);
  const handle = createDatabase(databaseUrl);
  await migrateDatabase(handle.db, "db/migrations");
  await handle.close();
  return {
    databaseUrl,
    redisUrl,
    redisPrefix,
    async remove() {
      await dropDatabase(databaseUrl);
      const redis = createRedis(redisUrl, "command", "runport-test-teardown");
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${redisPrefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== "0");
      await redis.quit();
    },
  };
}
