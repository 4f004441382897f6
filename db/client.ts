import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import { createPool, type Pool, type PoolOptions } from "mysql2";
import * as schema from "./schema";

export type Database = MySql2Database<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  pool: Pool;
  close(): Promise<void>;
}

/** Opens a pool on a mysql:// URL. Every connection works in UTC. */
export function createDatabase(url: string, options: Partial<PoolOptions> = {}): DatabaseHandle {
  const pool = createPool({
    uri: url,
    connectionLimit: 10,
    timezone: "Z",
    supportBigNumbers: true,
    charset: "utf8mb4_unicode_ci",
    ...options,
  });
  pool.on("connection", (connection) => {
    connection.query("SET time_zone = '+00:00'");
  });
  const db = drizzle(pool, { schema, mode: "default" });
  return {
    db,
    pool,
    close: () =>
      new Promise<void>((resolve, reject) =>
        pool.end((error) => (error ? reject(error) : resolve())),
      ),
  };
}

export { schema };
