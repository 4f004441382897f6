import { desc, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import { runs, users } from "@/db/schema";
import { parsePipelineRef } from "@/lib/pipeline-ref";
import { canSeeAllRuns } from "@/lib/roles";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import {
  RUN_TEXT_MATCH_CAP as TEXT_MATCH_CAP,
  RUN_TOTAL_CAP,
  type RunList,
  type TListRunsQuery,
} from "@/lib/contract/runs";
import { toRunView } from "./run-view";
import {
  countQuery,
  driverProbe,
  listBranches,
  pageQuery,
  textPrefixCount,
  type RunListFilters,
} from "./run-list-plan";

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

type Db = Pick<AppContext, "db">["db"];

async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const [rows] = (await db.execute(query)) as unknown as [T[]];
  return rows;
}

/** The query's filters with names resolved; null when nothing can match (an unknown user). */
async function resolveFilters(
  db: Db,
  principal: Principal,
  query: TListRunsQuery,
): Promise<RunListFilters | null> {
  const filters: RunListFilters = { statuses: [...new Set(query.status)], labels: [] };
  if (query.pipeline) {
    const ref = parsePipelineRef(query.pipeline);
    if (!ref) throw new AppError("BAD_REQUEST", `"${query.pipeline}" is not a pipeline name`);
    filters.pipelineName = ref.name;
    if (query.pipeline.includes("@") && ref.selector !== "latest")
      filters.pipelineVersion = ref.selector;
  }
  for (const label of query.label) {
    const colon = label.indexOf(":");
    filters.labels.push({ key: label.slice(0, colon), value: label.slice(colon + 1) });
  }
  if (query.q) filters.q = query.q;
  if (!canSeeAllRuns(principal.role)) {
    if (query.user !== undefined && query.user !== principal.username) return null;
    filters.userId = principal.userId;
  } else if (query.user !== undefined) {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, query.user));
    if (!user) return null;
    filters.userId = user.id;
  }
  return filters;
}

/**
 * The two statements of a list request: the page's ids (`limit` + 1, newest first) and the
 * capped count; null when nothing can match. Throws BAD_REQUEST for a malformed pipeline
 * or cursor, and when more than RUN_TEXT_MATCH_CAP names begin with q.
 */
export async function runListStatements(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; query: TListRunsQuery; totalCap: number; textCap?: number },
): Promise<{ page: SQL; count: SQL } | null> {
  const { query } = options;
  const before = query.cursor ? decodeCursor(query.cursor) : undefined;
  const textCap = options.textCap ?? TEXT_MATCH_CAP;
  const filters = await resolveFilters(ctx.db, options.principal, query);
  if (!filters) return null;
  if (filters.q !== undefined) {
    const [named] = await rowsOf<{ n: number }>(
      ctx.db,
      textPrefixCount(filters.q, filters.userId, textCap),
    );
    if (Number(named?.n ?? 0) > textCap)
      throw new AppError(
        "BAD_REQUEST",
        `More than ${textCap.toLocaleString("en")} ${filters.userId === undefined ? "" : "of the submitter's "}run names begin with "${filters.q}": type more of the name`,
      );
  }
  const probe = driverProbe(filters, textCap);
  if (probe) {
    const [sides] = await rowsOf<{ labelled: number; indexed: number }>(ctx.db, probe);
    filters.labelDrives = Number(sides?.labelled ?? 0) <= Number(sides?.indexed ?? 0);
  }
  return {
    page: pageQuery(listBranches(filters, { before, textCap }), query.limit + 1),
    count: countQuery(listBranches(filters, { textCap, unordered: true }), options.totalCap),
  };
}

/**
 * Runs the caller may see, newest first, with keyset pagination and the filtered total.
 * Every read is bounded whatever the history's size: the page reads an index newest first
 * (run-list-plan.ts), the total counts at most `totalCap` + 1 rows and says when it
 * stopped, and q reads at most RUN_TEXT_MATCH_CAP names (docs/notes/run-history-scale.md).
 */
export async function listRuns(
  ctx: Pick<AppContext, "db">,
  options: {
    principal: Principal;
    query: TListRunsQuery;
    /** Tests: a smaller RUN_TOTAL_CAP and RUN_TEXT_MATCH_CAP, so they seed few rows. */
    totalCap?: number;
    textCap?: number;
  },
): Promise<RunList> {
  const { query } = options;
  const totalCap = options.totalCap ?? RUN_TOTAL_CAP;
  const statements = await runListStatements(ctx, { ...options, totalCap });
  if (!statements) return { items: [], nextCursor: null, total: 0, totalIsLowerBound: false };
  // One statement for the page: its ids (a derived table of limit + 1), then those rows.
  const [rows, counted] = await Promise.all([
    ctx.db
      .select({ run: summaryColumns, submitter: users.username })
      .from(runs)
      .innerJoin(users, eq(users.id, runs.userId))
      .where(sql`${runs.id} IN (SELECT id FROM (${statements.page}) AS page_ids)`)
      .orderBy(desc(runs.id)),
    rowsOf<{ n: number }>(ctx.db, statements.count),
  ]);
  const items = rows.slice(0, query.limit);
  const matched = Number(counted[0]?.n ?? 0);
  const last = rows.length > query.limit ? items[items.length - 1]?.run.id : undefined;
  return {
    items: items.map((r) => toRunView(r.run, { submitter: r.submitter })),
    nextCursor: last === undefined ? null : encodeCursor(last),
    total: Math.min(matched, totalCap),
    totalIsLowerBound: matched > totalCap,
  };
}
