import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { createDatabase } from "@/db/client";
import { dropDatabase, ensureDatabase } from "@/db/ensure-database";
import { migrateDatabase } from "@/db/migrate";
import { createRedis } from "@/server/redis";

/**
 * Creates a database and a Redis key prefix of their own for this test run, so tests
 * never touch a developer's data, and removes both afterwards. The server URLs come
 * from TEST_DATABASE_SERVER / TEST_REDIS_URL (default: the local services).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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

  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", redisUrl);
  project.provide("redisPrefix", redisPrefix);

  return async () => {
    await dropDatabase(databaseUrl);
    const redis = createRedis(redisUrl, "command", "runport-test-teardown");
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${redisPrefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
    await redis.quit();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisPrefix: string;
  }
}
