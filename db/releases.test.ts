// Issue 16 item 5: every migration belongs to a release, released migrations never change,
// and drizzle's migrator will apply every later one to a released database.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitMigrationsReader } from "@/test/releases";
import { migrationsDigest, readJournal, readReleases, type Release } from "./releases";

const folder = path.resolve("db/migrations");
const journal = readJournal(folder);
const releases = readReleases(folder);
const indexOf = (tag: string) => journal.entries.findIndex((e) => e.tag === tag);

describe("db/migrations/RELEASES.json", () => {
  it("names each release once, in the order they shipped, each after the one before", () => {
    expect(releases.length).toBeGreaterThan(0);
    expect(new Set(releases.map((r) => r.release)).size).toBe(releases.length);
    const ends = releases.map((r) => indexOf(r.lastMigration));
    expect(ends.every((i) => i >= 0)).toBe(true);
    for (let i = 1; i < ends.length; i++) expect(ends[i]).toBeGreaterThan(ends[i - 1]!);
  });

  it("covers every migration of the journal: the last release ends at the last one", () => {
    expect(releases.at(-1)!.lastMigration).toBe(journal.entries.at(-1)!.tag);
  });

  /** Each committed version of the list, oldest first (none outside a git checkout). */
  function committedVersions(): Release[][] | null {
    const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" });
    let commits: string[];
    try {
      commits = git("log", "--format=%H", "--reverse", "--", "db/migrations/RELEASES.json")
        .split("\n")
        .filter(Boolean);
    } catch {
      return null; // not a git checkout
    }
    return commits.map(
      (c) => JSON.parse(git("show", `${c}:db/migrations/RELEASES.json`)) as Release[],
    );
  }

  it("only grows: every committed version of the list is kept, only its newest entry may end later", (test) => {
    const versions = committedVersions();
    if (versions === null) return test.skip("not a git checkout: no history to compare with");
    for (const old of versions) {
      expect(releases.length).toBeGreaterThanOrEqual(old.length);
      // Released: the same entry at the same place.
      // (Fields may be added, as `commit` was; these three never change.)
      const fixed = ({ release, lastMigration, sha256 }: Release) => ({
        release,
        lastMigration,
        sha256,
      });
      expect(releases.slice(0, old.length - 1).map(fixed)).toEqual(old.slice(0, -1).map(fixed));
      // The release being prepared may take later migrations, never drop any.
      const last = old.at(-1)!;
      expect(releases[old.length - 1]!.release).toBe(last.release);
      expect(indexOf(releases[old.length - 1]!.lastMigration)).toBeGreaterThanOrEqual(
        indexOf(last.lastMigration),
      );
    }
  });

  it("records what each release's own commit shipped: its last migration and their digest", (test) => {
    const shipped = releases.filter((r) => r.commit);
    expect(shipped.length).toBeGreaterThan(0);
    const readers = shipped.map((r) => gitMigrationsReader(r.commit!));
    if (readers.includes(null)) return test.skip("a release's commit is not in this clone");
    shipped.forEach((r, i) => {
      const read = readers[i]!;
      expect({ release: r.release, last: readJournal(read).entries.at(-1)!.tag }).toEqual({
        release: r.release,
        last: r.lastMigration,
      });
      expect({ release: r.release, sha256: migrationsDigest(read, r.lastMigration) }).toEqual({
        release: r.release,
        sha256: r.sha256,
      });
    });
  });

  it("has not changed a released migration (the list only grows, never rewrites)", () => {
    for (const r of releases)
      expect({ release: r.release, sha256: migrationsDigest(folder, r.lastMigration) }).toEqual({
        release: r.release,
        sha256: r.sha256,
      });
  });

  it("orders the journal so the migrator applies every later migration to a released database", () => {
    // drizzle applies a migration only if its `when` is later than the last applied one's:
    // a migration renumbered to the end with an earlier `when` would be skipped on upgrade.
    journal.entries.forEach((e, i) =>
      expect({ tag: e.tag, idx: e.idx }).toEqual({ tag: e.tag, idx: i }),
    );
    for (let i = 1; i < journal.entries.length; i++)
      expect(journal.entries[i]!.when, journal.entries[i]!.tag).toBeGreaterThan(
        journal.entries[i - 1]!.when,
      );
    // One SQL file per entry, none left out of the journal.
    const files = readdirSync(folder).filter((f) => f.endsWith(".sql"));
    expect(files.sort()).toEqual(journal.entries.map((e) => `${e.tag}.sql`).sort());
  });
});
