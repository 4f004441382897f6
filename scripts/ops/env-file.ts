import { closeSync, fchmodSync, openSync, writeSync } from "node:fs";

// Writing .env. Reading it is @next/env's job (see settings.ts), as for the app itself.

/**
 * Writes .env readable by its owner only (mode 600): it holds AUTH_SECRET and the database
 * password, and a pipeline running as another local user must not read it. A .env that
 * exists with a wider mode is narrowed before the new text goes in.
 */
export function writeEnvFile(file: string, text: string): void {
  const fd = openSync(file, "w", 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** KEY=value, quoted when the value has characters dotenv would cut or change. */
export function envLine(key: string, value: string): string {
  if (!/[\s#"'`\\]/.test(value)) return `${key}=${value}`;
  return value.includes("'") ? `${key}="${value}"` : `${key}='${value}'`;
}

/** The text with KEY's line(s) replaced by one new line (where the first was), or appended. */
export function setEnvValue(text: string, key: string, value: string): string {
  const line = envLine(key, value);
  const lines = text.length > 0 ? text.replace(/\n$/, "").split("\n") : [];
  const isKey = (l: string) => new RegExp(`^\\s*(export\\s+)?${key}\\s*=`).test(l);
  const first = lines.findIndex(isKey);
  if (first === -1) return [...lines, line, ""].join("\n");
  const kept = lines.flatMap((l, i) => (i === first ? [line] : isKey(l) ? [] : [l]));
  return [...kept, ""].join("\n");
}

/** The .env that `npm run up` writes on the first run. */
export function newEnvFile(o: {
  databaseUrl: string;
  redisUrl: string;
  authSecret: string;
  port: string | undefined;
  date: Date;
}): string {
  return [
    `# Runport settings, created by \`npm run up\` on ${o.date.toISOString().slice(0, 10)}. The environment`,
    "# overrides these. See README for all settings.",
    "#",
    "# MariaDB/MySQL (mysql://user:password@host:port/database) and Redis. When they",
    "# point at this machine and nothing answers, `npm run up` starts private servers",
    "# with their data in .data/ (npm run services -- status|stop).",
    envLine("DATABASE_URL", o.databaseUrl),
    envLine("REDIS_URL", o.redisUrl),
    "# Signs session cookies: keep it secret, and keep it (changing it logs everyone out).",
    envLine("AUTH_SECRET", o.authSecret),
    ...(o.port ? ["# Port of the web server.", envLine("PORT", o.port)] : []),
    "# Web processes behind PORT (PM2 cluster mode; they share their state through MySQL",
    "# and Redis). One per core the web may use; 1 is enough for most labs.",
    "#WEB_INSTANCES=1",
    "# The first admin's password is generated and printed once by `npm run up` (or setup:db).",
    "# To choose it instead, set ADMIN_PASSWORD (10+ characters) before the first run.",
    "#ADMIN_USERNAME=admin",
    "#ADMIN_PASSWORD=",
    "",
  ].join("\n");
}
