import {
  and,
  count,
  desc,
  eq,
  getTableColumns,
  inArray,
  like,
  lt,
  or,
  sql,
  type SQL,
} from "drizzle-orm";
import { runs, users } from "@/db/schema";
import { parsePipelineRef } from "@/lib/pipeline-ref";
import { canSeeAllRuns } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import type { RunList, TListRunsQuery } from "@/lib/contract/runs";
import { toRunView } from "./run-view";

export type { RunList, TListRunsQuery };

// Every column but the config, which may be megabytes and is not part of a list item.
const { config: _config, ...summaryColumns } = getTableColumns(runs);

function decodeCursor(cursor: string): number {
  const id = Number(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new AppError("BAD_REQUEST", "The cursor is not valid");
  return id;
}

const encodeCursor = (id: number) => Buffer.from(String(id)).toString("base64url");

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filters(principal: Principal, query: TListRunsQuery): SQL[] {
  const where: SQL[] = [];
  if (!canSeeAllRuns(principal.role)) where.push(eq(runs.userId, principal.userId));
  if (query.status.length > 0) where.push(inArray(runs.status, query.status));
  if (query.pipeline) {
    const ref = parsePipelineRef(query.pipeline);
    if (!ref) throw new AppError("BAD_REQUEST", `"${query.pipeline}" is not a pipeline name`);
    where.push(eq(runs.pipelineName, ref.name));
    if (query.pipeline.includes("@") && ref.selector !== "latest") {
      where.push(eq(runs.pipelineVersion, ref.selector));
    }
  }
  if (query.user) where.push(eq(users.username, query.user));
  for (const label of query.label) {
    const colon = label.indexOf(":");
    const path = `$."${label.slice(0, colon)}"`;
    where.push(
      sql`JSON_UNQUOTE(JSON_EXTRACT(${runs.labels}, ${path})) = ${label.slice(colon + 1)}`,
    );
  }
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    const text = or(
      like(runs.name, pattern),
      like(runs.publicId, pattern),
      like(runs.pipelineName, pattern),
    );
    if (text) where.push(text);
  }
  return where;
}

/** Runs the caller may see, newest first, with keyset pagination and the filtered total. */
export async function listRuns(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; query: TListRunsQuery },
): Promise<RunList> {
  const { query } = options;
  const where = filters(options.principal, query);
  const page = query.cursor ? [...where, lt(runs.id, decodeCursor(query.cursor))] : where;
  const [rows, totals] = await Promise.all([
    ctx.db
      .select({ run: summaryColumns, submitter: users.username })
      .from(runs)
      .innerJoin(users, eq(users.id, runs.userId))
      .where(and(...page))
      .orderBy(desc(runs.id))
      .limit(query.limit + 1),
    ctx.db
      .select({ total: count() })
      .from(runs)
      .innerJoin(users, eq(users.id, runs.userId))
      .where(and(...where)),
  ]);
  const more = rows.length > query.limit;
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => toRunView(r.run, { submitter: r.submitter })),
    nextCursor: more && last ? encodeCursor(last.run.id) : null,
    total: totals[0]?.total ?? 0,
  };
}
