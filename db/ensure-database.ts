import { createConnection } from "mysql2/promise";

/** The database name of a mysql:// URL (letters, digits, _ and $ only, as we create it). */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(name))
    throw new Error(`Unsupported database name "${name}" in DATABASE_URL`);
  return name;
}

/** Runs one statement about the URL's database on its server (connected without it). */
async function onServer(url: string, statement: (name: string) => string): Promise<void> {
  const name = databaseName(url);
  const server = new URL(url);
  server.pathname = "/";
  const connection = await createConnection({ uri: server.toString() });
  try {
    await connection.query(statement(name));
  } finally {
    await connection.end();
  }
}

/** Creates the database of the URL if it is missing, in utf8mb4 (logs and configs hold any text). */
export function ensureDatabase(url: string): Promise<void> {
  return onServer(
    url,
    (name) =>
      `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
}

/** Drops a database (tests only create and drop their own). */
export function dropDatabase(url: string): Promise<void> {
  return onServer(url, (name) => `DROP DATABASE IF EXISTS \`${name}\``);
}
