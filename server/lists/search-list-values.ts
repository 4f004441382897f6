import { and, asc, eq, isNull, like, or, sql, type SQL } from "drizzle-orm";
import { listValues } from "@/db/schema";
import type { ListValues } from "@/lib/contract/lists";
import type { Principal } from "../auth/principal";
import { requireSubmitter } from "../auth/require-role";
import type { AppContext } from "../context";
import { findList } from "./list-view";

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The values of a list's current version matching `q` (GET /api/v1/lists/{name}/values;
 * those who may submit: the editor's completions and the form's select): values starting with `q` first (an index range), then values or
 * labels containing it, case-insensitively, at most `limit`. A per-user list answers only
 * the caller's own values. Only what the browser asks for leaves the server.
 */
export async function searchListValues(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; name: string; query: { q: string; limit: number } },
): Promise<ListValues> {
  requireSubmitter(options.principal);
  const { q, limit } = options.query;
  const { list } = await findList(ctx, options.name);
  const versionId = list.currentVersionId;
  if (versionId === null) return { items: [], versionId: null };
  const scope: SQL = list.perUser
    ? and(eq(listValues.versionId, versionId), eq(listValues.userId, options.principal.userId))!
    : and(eq(listValues.versionId, versionId), isNull(listValues.userId))!;
  const pick = { value: listValues.value, label: listValues.label };
  const prefix = await ctx.db
    .select(pick)
    .from(listValues)
    .where(and(scope, like(listValues.value, `${escapeLike(q)}%`)))
    .orderBy(asc(listValues.value))
    .limit(limit);
  if (prefix.length >= limit || q === "") return { items: prefix, versionId };
  const part = `%${escapeLike(q.toLowerCase())}%`;
  const more = await ctx.db
    .select(pick)
    .from(listValues)
    .where(
      and(
        scope,
        sql`${listValues.value} NOT LIKE ${`${escapeLike(q)}%`}`,
        or(
          sql`LOWER(CONVERT(${listValues.value} USING utf8mb4)) LIKE ${part}`,
          sql`LOWER(${listValues.label}) LIKE ${part}`,
        ),
      ),
    )
    .orderBy(asc(listValues.value))
    .limit(limit - prefix.length);
  return { items: [...prefix, ...more], versionId };
}
