import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/*
 * The releases of Runport and the last migration each shipped (db/migrations/RELEASES.json),
 * so that an upgrade from any of them can be rebuilt and tested (db/upgrade.int.test.ts).
 * A released migration never changes: `sha256` covers every migration up to the release's
 * last one, checked by db/releases.test.ts.
 */

export interface Release {
  release: string;
  lastMigration: string;
  sha256: string;
}

export interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

interface Journal {
  version: string;
  dialect: string;
  entries: JournalEntry[];
}

export function readReleases(migrationsFolder: string): Release[] {
  return JSON.parse(
    readFileSync(path.join(migrationsFolder, "RELEASES.json"), "utf8"),
  ) as Release[];
}

export function readJournal(migrationsFolder: string): Journal {
  return JSON.parse(
    readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8"),
  ) as Journal;
}

/** The journal entries up to and including `lastMigration` (throws if it is not there). */
function entriesUpTo(journal: Journal, lastMigration: string): JournalEntry[] {
  const end = journal.entries.findIndex((e) => e.tag === lastMigration);
  if (end < 0) throw new Error(`${lastMigration} is not in the migrations journal`);
  return journal.entries.slice(0, end + 1);
}

/** SHA-256 of the SQL of every migration up to `lastMigration`, in order. */
export function migrationsDigest(migrationsFolder: string, lastMigration: string): string {
  const hash = createHash("sha256");
  for (const entry of entriesUpTo(readJournal(migrationsFolder), lastMigration))
    hash.update(readFileSync(path.join(migrationsFolder, `${entry.tag}.sql`)));
  return hash.digest("hex");
}

/**
 * Writes to `outFolder` the migrations of a release: its SQL files and a journal cut after
 * its last migration. drizzle's migrator applied to that folder builds the database that
 * release left behind.
 */
export function cutMigrations(
  migrationsFolder: string,
  lastMigration: string,
  outFolder: string,
): JournalEntry[] {
  const journal = readJournal(migrationsFolder);
  const entries = entriesUpTo(journal, lastMigration);
  mkdirSync(path.join(outFolder, "meta"), { recursive: true });
  for (const entry of entries)
    copyFileSync(
      path.join(migrationsFolder, `${entry.tag}.sql`),
      path.join(outFolder, `${entry.tag}.sql`),
    );
  writeFileSync(
    path.join(outFolder, "meta", "_journal.json"),
    JSON.stringify({ ...journal, entries }, null, 2),
  );
  return entries;
}
