import { createConnection } from "mysql2/promise";
import { databaseName } from "@/db/ensure-database";

/*
 * Each integration test file works in its own copy of the run's migrated (empty)
 * database: the beat's work (fire due schedules, re-enqueue queued runs, recover lost
 * runs, retention) reads whole tables, so files that shared one database saw each
 * other's schedules and runs. Global setup reads the tables' definitions once; each file
 * then makes its copy in one round trip, far quicker than migrating again.
 */

function serverOf(url: string): string {
  const server = new URL(url);
  server.pathname = "/";
  return server.toString();
}

/** The CREATE TABLE statements of a database (foreign keys included), once per run. */
export async function tableDefinitions(url: string): Promise<string[]> {
  const connection = await createConnection({ uri: url });
  try {
    const [tables] = (await connection.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
    )) as unknown as [{ name: string }[]];
    const definitions: string[] = [];
    for (const { name } of tables) {
      const [[row]] = (await connection.query(`SHOW CREATE TABLE \`${name}\``)) as unknown as [
        Record<string, string>[],
      ];
      definitions.push(row!["Create Table"]!);
    }
    return definitions;
  } finally {
    await connection.end();
  }
}

/** Creates `<source>_<suffix>` with the source's tables and migration journal; returns its URL. */
export async function copyDatabase(
  sourceUrl: string,
  definitions: readonly string[],
  suffix: string,
): Promise<string> {
  const source = databaseName(sourceUrl);
  const target = `${source}_${suffix}`;
  const connection = await createConnection({
    uri: serverOf(sourceUrl),
    multipleStatements: true,
  });
  try {
    await connection.query(
      [
        `CREATE DATABASE \`${target}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
        `USE \`${target}\``,
        // The tables reference each other: create them in any order.
        "SET foreign_key_checks = 0",
        ...definitions,
        "SET foreign_key_checks = 1",
        // The journal: a file that runs the migrations finds them applied.
        `INSERT INTO __drizzle_migrations SELECT * FROM \`${source}\`.__drizzle_migrations`,
      ].join(";\n"),
    );
  } finally {
    await connection.end();
  }
  const url = new URL(sourceUrl);
  url.pathname = `/${target}`;
  return url.toString();
}

/** Drops the copies made from this source (global teardown). */
export async function dropCopies(sourceUrl: string): Promise<void> {
  const source = databaseName(sourceUrl);
  const connection = await createConnection({ uri: serverOf(sourceUrl) });
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
