import { createHash } from "node:crypto";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import {
  listValues,
  listVersions,
  referenceLists,
  type ListVersionRow,
  type ReferenceListRow,
} from "@/db/schema";
import type { AppContext } from "../context";
import { ListSourceError } from "./sources/list-source-error";
import { hashEntries } from "./sources/parse-values";
import { readListSource, type ListSnapshot } from "./read-list-source";

/** Versions kept per list (the current one included); older ones are deleted. */
export const KEPT_VERSIONS = 5;
/** Rows per INSERT of a new version's values, and per DELETE of an old version's. */
const BATCH = 5000;
/** How long one refresh may hold the list's lock (a crashed process lets go after it). */
const LOCK_MS = 15 * 60_000;

export type RefreshOutcome =
  | { outcome: "stored"; versionId: number; count: number }
  | { outcome: "unchanged"; versionId: number; count: number }
  | { outcome: "failed"; error: string }
  | { outcome: "busy" };

type Ctx = Pick<AppContext, "db" | "config" | "redis" | "keys" | "log">;

function snapshotHash(snapshot: ListSnapshot): { hash: string; count: number } {
  const hash = createHash("sha256");
  let count = 0;
  for (const part of snapshot.entries) {
    hash.update(hashEntries(part.entries, part.userId));
    count += part.entries.length;
  }
  return { hash: hash.digest("hex"), count };
}

async function currentVersion(ctx: Ctx, list: ReferenceListRow): Promise<ListVersionRow | null> {
  if (list.currentVersionId === null) return null;
  const [row] = await ctx.db
    .select()
    .from(listVersions)
    .where(eq(listVersions.id, list.currentVersionId));
  return row ?? null;
}

async function storeVersion(
  ctx: Ctx,
  list: ReferenceListRow,
  snapshot: ListSnapshot,
  digest: { hash: string; count: number },
  now: Date,
): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const [created] = await tx.insert(listVersions).values({
      listId: list.id,
      count: digest.count,
      hash: digest.hash,
      etag: snapshot.etag?.slice(0, 200) ?? null,
      lastModified: snapshot.lastModified?.slice(0, 100) ?? null,
      createdAt: now,
    });
    const versionId = created.insertId;
    const rows = snapshot.entries.flatMap((part) =>
      part.entries.map((e) => ({ versionId, userId: part.userId, value: e.value, label: e.label })),
    );
    for (let i = 0; i < rows.length; i += BATCH) {
      await tx.insert(listValues).values(rows.slice(i, i + BATCH));
    }
    await tx
      .update(referenceLists)
      .set({ currentVersionId: versionId, lastRefreshAt: now, lastError: null, lastErrorAt: null })
      .where(eq(referenceLists.id, list.id));
    return versionId;
  });
}

/** Deletes the versions older than the newest KEPT_VERSIONS, their values in batches. */
export async function pruneVersions(ctx: Pick<AppContext, "db">, listId: number): Promise<number> {
  const kept = await ctx.db
    .select({ id: listVersions.id })
    .from(listVersions)
    .where(eq(listVersions.listId, listId))
    .orderBy(desc(listVersions.id))
    .limit(KEPT_VERSIONS);
  const oldest = kept.at(-1);
  if (kept.length < KEPT_VERSIONS || !oldest) return 0;
  const old = await ctx.db
    .select({ id: listVersions.id })
    .from(listVersions)
    .where(and(eq(listVersions.listId, listId), lt(listVersions.id, oldest.id)));
  if (old.length === 0) return 0;
  const ids = old.map((v) => v.id);
  for (;;) {
    const [result] = await ctx.db
      .delete(listValues)
      .where(inArray(listValues.versionId, ids))
      .limit(BATCH);
    if (result.affectedRows < BATCH) break;
  }
  await ctx.db.delete(listVersions).where(inArray(listVersions.id, ids));
  return ids.length;
}

/**
 * Keeps the latest reason; last_error_at stays at the first failure since the last good
 * refresh, so that the operations page can say how long the source has been failing.
 */
async function recordFailure(ctx: Ctx, list: ReferenceListRow, message: string, now: Date) {
  await ctx.db
    .update(referenceLists)
    .set({
      lastError: message.slice(0, 1000),
      lastErrorAt: sql`COALESCE(${referenceLists.lastErrorAt}, ${now})`,
    })
    .where(eq(referenceLists.id, list.id));
}

/**
 * Reads a list's source once and keeps the result: a new version when the values' hash
 * differs from the current version's, else only the refresh time (also on HTTP 304). A
 * failing source (unreachable, too large, too slow, unreadable, a command that fails)
 * keeps the last good version and records last_error and its time. One refresh of a list
 * runs at a time (a Redis lock): another answers `busy`. Database errors propagate.
 */
export async function refreshList(
  ctx: Ctx,
  list: ReferenceListRow,
  options: { now?: Date } = {},
): Promise<RefreshOutcome> {
  const lockKey = ctx.keys.listRefresh(list.id);
  const owner = `${process.pid}-${Math.random()}`;
  if ((await ctx.redis.set(lockKey, owner, "PX", LOCK_MS, "NX")) !== "OK")
    return { outcome: "busy" };
  try {
    const current = await currentVersion(ctx, list);
    let snapshot: ListSnapshot | null;
    try {
      snapshot = await readListSource(ctx, list, current);
    } catch (error) {
      const message =
        error instanceof ListSourceError
          ? error.message
          : "the source could not be read (see the server log)";
      if (!(error instanceof ListSourceError))
        ctx.log.error({ err: error, list: list.name }, "list refresh failed");
      await recordFailure(ctx, list, message, options.now ?? new Date());
      return { outcome: "failed", error: message };
    }
    const now = options.now ?? new Date();
    const digest = snapshot ? snapshotHash(snapshot) : null;
    if (current && (!snapshot || !digest || digest.hash === current.hash)) {
      await ctx.db
        .update(referenceLists)
        .set({ lastRefreshAt: now, lastError: null, lastErrorAt: null })
        .where(eq(referenceLists.id, list.id));
      return { outcome: "unchanged", versionId: current.id, count: current.count };
    }
    const versionId = await storeVersion(ctx, list, snapshot!, digest!, now);
    await pruneVersions(ctx, list.id);
    return { outcome: "stored", versionId, count: digest!.count };
  } finally {
    const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
    await ctx.redis.eval(RELEASE, 1, lockKey, owner).catch(() => undefined);
  }
}
