import { and, asc, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import { listValues, referenceLists, type ReferenceListRow } from "@/db/schema";
import { closestValues } from "@/lib/schema/closest-values";
import type { ListTarget } from "@/lib/schema/list-keyword";
import type { ConfigProblem } from "@/lib/schema/validate-config";
import type { AppContext } from "../context";

/** Distinct values asked with one `IN (...)` query; more load the version's values once. */
const ASK_AT_MOST = 500;
/** Unknown values that get suggestions (each costs a query); the others get the sentence. */
const SUGGEST_FOR = 20;
/** Candidates read on each side of an unknown value (and of its upper/lower-case forms). */
const NEIGHBOURS = 100;
const MAX_PROBLEMS = 100;

export interface ListCheck {
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
  /** The versions the values were checked against (recorded with the run). */
  versions: { list: string; versionId: number }[];
}

type Ctx = Pick<AppContext, "db" | "caches">;

function scopeOf(list: ReferenceListRow, versionId: number, userId: number): SQL {
  return list.perUser
    ? and(eq(listValues.versionId, versionId), eq(listValues.userId, userId))!
    : and(eq(listValues.versionId, versionId), isNull(listValues.userId))!;
}

/** The version's values as a Set, loaded once per process (bounded cache of versions). */
function valueSet(ctx: Ctx, list: ReferenceListRow, versionId: number, userId: number) {
  const key = list.perUser ? `${versionId}:${userId}` : String(versionId);
  let hit = ctx.caches.listValues.get(key);
  if (!hit) {
    // Straight from mysql2 (drizzle's select maps each of 100,000 rows: twice as slow).
    const user = list.perUser ? sql`user_id = ${userId}` : sql`user_id IS NULL`;
    hit = ctx.db
      .execute(sql`SELECT value FROM list_values WHERE version_id = ${versionId} AND ${user}`)
      .then((result) => {
        const [rows] = result as unknown as [{ value: string }[], unknown];
        return new Set(rows.map((r) => r.value));
      });
    hit.catch(() => ctx.caches.listValues.delete(key));
    ctx.caches.listValues.set(key, hit);
  }
  return hit;
}

async function knownValues(
  ctx: Ctx,
  list: ReferenceListRow,
  versionId: number,
  userId: number,
  values: string[],
): Promise<(value: string) => boolean> {
  if (values.length > ASK_AT_MOST) {
    const set = await valueSet(ctx, list, versionId, userId);
    return (value) => set.has(value);
  }
  const rows = await ctx.db
    .select({ value: listValues.value })
    .from(listValues)
    .where(and(scopeOf(list, versionId, userId), inArray(listValues.value, values)));
  const found = new Set(rows.map((r) => r.value));
  return (value) => found.has(value);
}

/**
 * The list's values nearest to `value`: candidates are its neighbours in sorted order (as
 * typed, upper- and lower-case), read as index ranges, never the whole version.
 */
async function suggestions(
  ctx: Ctx,
  list: ReferenceListRow,
  versionId: number,
  userId: number,
  value: string,
): Promise<string[]> {
  const scope = scopeOf(list, versionId, userId);
  const around = (v: string) => [
    ctx.db
      .select({ value: listValues.value })
      .from(listValues)
      .where(and(scope, gte(listValues.value, v)))
      .orderBy(asc(listValues.value))
      .limit(NEIGHBOURS),
    ctx.db
      .select({ value: listValues.value })
      .from(listValues)
      .where(and(scope, lt(listValues.value, v)))
      .orderBy(desc(listValues.value))
      .limit(NEIGHBOURS),
  ];
  const variants = new Set([value, value.toUpperCase(), value.toLowerCase()]);
  const found = (await Promise.all([...variants].flatMap(around))).flat().map((r) => r.value);
  return closestValues(value, new Set(found));
}

/**
 * Checks the values a config ties to reference lists (`x-runport-list`) against each
 * list's current version, for `userId` on per-user lists. An unknown value is a problem
 * ("is not a known value of the list NAME"), with the closest values of the list when
 * some are near. A list that is not defined is not checked (a pipeline may name a list
 * the admins have not set up: nothing to enforce yet); a list without a version (its first
 * refresh has not run or failed) is not checked either, with a warning. Few values are
 * asked for by one query; many are looked up in the version's values, loaded once.
 */
export async function checkListValues(
  ctx: Ctx,
  targets: readonly ListTarget[],
  userId: number,
): Promise<ListCheck> {
  const result: ListCheck = { problems: [], warnings: [], versions: [] };
  if (targets.length === 0) return result;
  const names = [...new Set(targets.map((t) => t.list))];
  const lists = await ctx.db
    .select()
    .from(referenceLists)
    .where(inArray(referenceLists.name, names));
  let suggested = 0;
  for (const name of names) {
    const list = lists.find((l) => l.name === name);
    const mine = targets.filter((t) => t.list === name);
    const versionId = list?.currentVersionId ?? null;
    if (!list) continue; // not defined (yet): the schema's list is not enforced
    if (versionId === null) {
      const message = `is not checked: the list ${name} has no values yet`;
      result.warnings.push({ path: mine[0]!.pointer, message });
      continue;
    }
    result.versions.push({ list: name, versionId });
    const known = await knownValues(ctx, list, versionId, userId, [
      ...new Set(mine.map((t) => t.value)),
    ]);
    const unknown = mine
      .filter((t) => !known(t.value))
      .slice(0, Math.max(0, MAX_PROBLEMS - result.problems.length));
    // The suggestions of the first SUGGEST_FOR unknown values, asked together.
    const asked = unknown.slice(0, Math.max(0, SUGGEST_FOR - suggested));
    suggested += asked.length;
    const near = await Promise.all(
      asked.map((t) => suggestions(ctx, list, versionId, userId, t.value)),
    );
    unknown.forEach((target, i) => {
      let message = `is not a known value of the list ${name}`;
      const closest = near[i] ?? [];
      if (closest.length > 0)
        message += `; did you mean ${closest.map((v) => JSON.stringify(v)).join(", ")}?`;
      result.problems.push({ path: target.pointer, message });
    });
  }
  return result;
}
