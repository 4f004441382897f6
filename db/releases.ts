import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/*
 * The releases of Runport and the last migration each shipped (db/migrations/RELEASES.json),
 * so that an upgrade from any of them can be rebuilt and tested (db/upgrade.int.test.ts).
 * A released migration never changes: `sha256` covers every migration up to the release's
 * last one, checked by db/releases.test.ts.
 */

export interface Release {
  release: string;
  /** The commit of main the release was made from (absent while it is being prepared). */
  commit?: string;
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

/** Reads a file of the migrations folder by its path inside it (`meta/_journal.json`). */
export type MigrationsReader = (file: string) => Buffer;

export function folderReader(migrationsFolder: string): MigrationsReader {
  return (file) => readFileSync(path.join(migrationsFolder, file));
}

export function readJournal(migrationsFolder: string | MigrationsReader): Journal {
  const read =
    typeof migrationsFolder === "string" ? folderReader(migrationsFolder) : migrationsFolder;
  return JSON.parse(read("meta/_journal.json").toString("utf8")) as Journal;
}

/** The journal entries up to and including `lastMigration` (throws if it is not there). */
function entriesUpTo(journal: Journal, lastMigration: string): JournalEntry[] {
  const end = journal.entries.findIndex((e) => e.tag === lastMigration);
  if (end < 0) throw new Error(`${lastMigration} is not in the migrations journal`);
  return journal.entries.slice(0, end + 1);
}

/** SHA-256 of the SQL of every migration up to `lastMigration`, in order. */
export function migrationsDigest(
  migrationsFolder: string | MigrationsReader,
  lastMigration: string,
): string {
  const read =
    typeof migrationsFolder === "string" ? folderReader(migrationsFolder) : migrationsFolder;
  const hash = createHash("sha256");
  for (const entry of entriesUpTo(readJournal(read), lastMigration))
    hash.update(read(`${entry.tag}.sql`));
  return hash.digest("hex");
}

/**
 * Writes to `outFolder` the migrations of a release: its SQL files and a journal cut after
 * its last migration. drizzle's migrator applied to that folder builds the database that
 * release left behind. `from`: the current folder, or a reader of the release's own files
 * (e.g. `git show <commit>:db/migrations/<file>`).
 */
export function cutMigrations(
  from: string | MigrationsReader,
  lastMigration: string,
  outFolder: string,
): JournalEntry[] {
  const read = typeof from === "string" ? folderReader(from) : from;
  const journal = readJournal(read);
  const entries = entriesUpTo(journal, lastMigration);
  mkdirSync(path.join(outFolder, "meta"), { recursive: true });
  for (const entry of entries)
    writeFileSync(path.join(outFolder, `${entry.tag}.sql`), read(`${entry.tag}.sql`));
  writeFileSync(
    path.join(outFolder, "meta", "_journal.json"),
    JSON.stringify({ ...journal, entries }, null, 2),
  );
  return entries;
}
