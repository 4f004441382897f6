import { createConnection } from "mysql2/promise";
import { databaseName } from "@/db/ensure-database";

/**
 * A copy of the migrated (empty) database of this test run, for one test file: the
 * beat's work (fire due schedules, re-enqueue queued runs, recover lost runs,
 * retention) reads every row of a table, so files that shared one database saw each
 * other's schedules and runs. Copying the tables' definitions (foreign keys included)
 * and the migration journal takes a fraction of running the migrations again.
 */
export async function cloneDatabase(sourceUrl: string, suffix: string): Promise<string> {
  const source = databaseName(sourceUrl);
  const target = `${source}_${suffix}`;
  const url = new URL(sourceUrl);
  url.pathname = "/";
  const connection = await createConnection({ uri: url.toString(), multipleStatements: true });
  try {
    const [tables] = (await connection.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
      [source],
    )) as unknown as [{ name: string }[]];
    const creates = await Promise.all(
      tables.map(async ({ name }) => {
        const [[row]] = (await connection.query(
          `SHOW CREATE TABLE \`${source}\`.\`${name}\``,
        )) as unknown as [Record<string, string>[]];
        return { name, sql: row!["Create Table"]! };
      }),
    );
    const journal = creates.filter((c) => c.name.startsWith("__drizzle"));
    await connection.query(
      [
        `CREATE DATABASE \`${target}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
        `USE \`${target}\``,
        // The tables reference each other: create them in any order.
        "SET foreign_key_checks = 0",
        ...creates.map((c) => c.sql),
        "SET foreign_key_checks = 1",
        ...journal.map(
          (c) => `INSERT INTO \`${c.name}\` SELECT * FROM \`${source}\`.\`${c.name}\``,
        ),
      ].join(";\n"),
    );
  } finally {
    await connection.end();
  }
  url.pathname = `/${target}`;
  return url.toString();
}

/** Drops the databases cloneDatabase made from this source (global teardown). */
export async function dropClones(sourceUrl: string): Promise<void> {
  const source = databaseName(sourceUrl);
  const url = new URL(sourceUrl);
  url.pathname = "/";
  const connection = await createConnection({ uri: url.toString() });
  try {
    const [rows] = (await connection.query(
      "SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE ?",
      [`${source.replace(/_/g, "\\_")}\\_%`],
    )) as unknown as [{ name: string }[]];
    for (const { name } of rows) await connection.query(`DROP DATABASE \`${name}\``);
  } finally {
    await connection.end();
  }
}
