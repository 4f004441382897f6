import { sql, type SQL } from "drizzle-orm";
import type { RunStatus } from "@/lib/run-status";

/** The run list's filters once names are resolved: every equality the list may apply. */
export interface RunListFilters {
  statuses: RunStatus[];
  pipelineName?: string;
  pipelineVersion?: string;
  userId?: number;
  labels: { key: string; value: string }[];
  /** Text search: a run id, or the start of run names (see textMatch). */
  q?: string;
  /** With labels and other filters: false when a runs index holds fewer rows (driverProbe). */
  labelDrives?: boolean;
}

type Column = "status" | "pipeline" | "version" | "user";

/**
 * The runs indexes that end in id, by the equalities in front of it (db/schema/runs.ts),
 * best first: the list reads the first whose columns are all filtered on, newest first,
 * and checks any other filter on the rows it meets.
 */
const INDEXES: [name: string, columns: Column[]][] = [
  ["runs_user_status_idx", ["user", "status"]],
  ["runs_user_pipeline_idx", ["user", "pipeline"]],
  ["runs_status_pipeline_idx", ["status", "pipeline"]],
  ["runs_pipeline_version_idx", ["pipeline", "version"]],
  ["runs_user_idx", ["user"]],
  ["runs_status_idx", ["status"]],
  ["runs_pipeline_idx", ["pipeline"]],
];

/** A run public id (26 characters of base32): q is then also looked up as an id. */
const RUN_ID = /^[0-9a-z]{26}$/i;

/** A LIMIT as a literal: always a whole number we computed, never the caller's text. */
const limitOf = (n: number) => sql.raw(`LIMIT ${Math.max(0, Math.trunc(n))}`);

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

function chooseIndex(filters: RunListFilters, status: boolean): SQL {
  const present = new Set<Column>();
  if (status) present.add("status");
  if (filters.pipelineName) present.add("pipeline");
  if (filters.pipelineVersion) present.add("version");
  if (filters.userId !== undefined) present.add("user");
  const found = INDEXES.find(([, columns]) => columns.every((c) => present.has(c)));
  return found ? sql.raw(` FORCE INDEX (${found[0]})`) : sql.raw("");
}

/** The conditions on the runs row every driver applies (the driver's own are harmless again). */
function rowConditions(filters: RunListFilters, status: RunStatus | undefined, from: number) {
  const where: SQL[] = [];
  if (status) where.push(sql`runs.status = ${status}`);
  else if (filters.statuses.length > 0)
    where.push(
      sql`runs.status IN (${sql.join(
        filters.statuses.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (filters.pipelineName) where.push(sql`runs.pipeline_name = ${filters.pipelineName}`);
  if (filters.pipelineVersion) where.push(sql`runs.pipeline_version = ${filters.pipelineVersion}`);
  if (filters.userId !== undefined) where.push(sql`runs.user_id = ${filters.userId}`);
  for (const label of filters.labels.slice(from))
    where.push(
      sql`EXISTS (SELECT 1 FROM run_labels x WHERE x.run_id = runs.id AND x.\`key\` = ${label.key} AND x.value = ${label.value})`,
    );
  return where;
}

/** Names that begin with q: among one submitter's runs when the list is theirs. */
function namePrefix(q: string, userId: number | undefined, select: SQL, cap: number): SQL {
  const pattern = `${escapeLike(q)}%`;
  return userId === undefined
    ? sql`SELECT ${select} FROM runs FORCE INDEX (runs_name_idx) WHERE name LIKE ${pattern} ${limitOf(cap + 1)}`
    : sql`SELECT ${select} FROM runs FORCE INDEX (runs_user_name_idx) WHERE user_id = ${userId} AND name LIKE ${pattern} ${limitOf(cap + 1)}`;
}

/** The ids of names that begin with q (a covering index range), plus the run whose id is q. */
export function textMatch(q: string, userId: number | undefined, cap: number): SQL {
  const prefix = sql`(${namePrefix(q, userId, sql`id`, cap)})`;
  if (!RUN_ID.test(q)) return prefix;
  return sql`${prefix} UNION (SELECT id FROM runs WHERE public_id = ${q.toLowerCase()})`;
}

/** How many names begin with q, reading at most `cap` + 1 index entries. */
export function textPrefixCount(q: string, userId: number | undefined, cap: number): SQL {
  return sql`SELECT COUNT(*) AS n FROM (${namePrefix(q, userId, sql`1`, cap)}) AS matched`;
}

/**
 * One SELECT of run ids per branch, unordered and unlimited, each led by what bounds it:
 * the text match (at most `textCap` + 1 ids), else the first label's index entries, else
 * one runs index per status (several statuses: one branch each, merged by the caller, since
 * no index yields `status IN (...)` in id order; `unordered`, for a count: one branch).
 * `before`: only ids below it (the cursor).
 */
export function listBranches(
  filters: RunListFilters,
  options: { before?: number; textCap: number; unordered?: boolean },
): { branches: SQL[]; orderColumn: SQL } {
  const below = (column: SQL) =>
    options.before === undefined ? [] : [sql`${column} < ${options.before}`];
  const and = (parts: SQL[]) => (parts.length ? sql` WHERE ${sql.join(parts, sql` AND `)}` : sql``);
  if (filters.q !== undefined) {
    const where = [...rowConditions(filters, undefined, 0), ...below(sql`runs.id`)];
    const from = sql`(${textMatch(filters.q, filters.userId, options.textCap)}) AS matched STRAIGHT_JOIN runs ON runs.id = matched.id`;
    return {
      branches: [sql`SELECT runs.id AS id FROM ${from}${and(where)}`],
      orderColumn: sql`runs.id`,
    };
  }
  const [first] = filters.labels;
  if (first && filters.labelDrives !== false) {
    const onRows = rowConditions(filters, undefined, 1);
    const where = [
      sql`l.\`key\` = ${first.key}`,
      sql`l.value = ${first.value}`,
      ...onRows,
      ...below(sql`l.run_id`),
    ];
    // The label alone (an admin's list): its index entries are the answer, no row is read.
    const labels = sql`run_labels AS l FORCE INDEX (run_labels_key_value_idx)`;
    const from = onRows.length ? sql`${labels} STRAIGHT_JOIN runs ON runs.id = l.run_id` : labels;
    return {
      branches: [sql`SELECT l.run_id AS id FROM ${from}${and(where)}`],
      orderColumn: sql`l.run_id`,
    };
  }
  const byStatus = filters.statuses.length > 0;
  // A count needs no order: one range over the statuses of the same index reads no more.
  const statuses: (RunStatus | undefined)[] =
    byStatus && !options.unordered ? filters.statuses : [undefined];
  const branches = statuses.map((status) => {
    const where = [...rowConditions(filters, status, 0), ...below(sql`runs.id`)];
    return sql`SELECT runs.id AS id FROM runs${chooseIndex(filters, byStatus)}${and(where)}`;
  });
  return { branches, orderColumn: sql`runs.id` };
}

/** Ids of one page, newest first: each branch's newest `limit`, then the newest of those. */
export function pageQuery(plan: { branches: SQL[]; orderColumn: SQL }, limit: number): SQL {
  const ordered = plan.branches.map(
    (b) => sql`(${b} ORDER BY ${plan.orderColumn} DESC ${limitOf(limit)})`,
  );
  if (ordered.length === 1) return ordered[0]!;
  return sql`SELECT id FROM (${sql.join(ordered, sql` UNION ALL `)}) AS page ORDER BY id DESC ${limitOf(limit)}`;
}

/** How many rows match, reading at most `cap` + 1 (per branch): never the whole history. */
export function countQuery(plan: { branches: SQL[] }, cap: number): SQL {
  const limited = plan.branches.map((b) => sql`(${b} ${limitOf(cap + 1)})`);
  return sql`SELECT COUNT(*) AS n FROM (${sql.join(limited, sql` UNION ALL `)}) AS counted`;
}

/** Entries the driver probe reads at most on each side. */
const PROBE = 2000;

/**
 * Labels with status, pipeline or submitter filters: which side holds fewer rows, the first
 * label's index entries or the runs index's range (each counted up to PROBE + 1, one
 * statement). The smaller drives the page, so a label on every run paired with a rare
 * status reads the status's entries, and a rare label paired with a common status the label's.
 */
export function driverProbe(filters: RunListFilters, textCap: number): SQL | null {
  const [first] = filters.labels;
  const indexed =
    filters.statuses.length > 0 ||
    filters.pipelineName !== undefined ||
    filters.userId !== undefined;
  if (!first || !indexed || filters.q !== undefined) return null;
  const labelled = sql`SELECT 1 FROM run_labels FORCE INDEX (run_labels_key_value_idx) WHERE \`key\` = ${first.key} AND value = ${first.value}`;
  const unlabelled = listBranches({ ...filters, labels: [] }, { textCap, unordered: true });
  return sql`SELECT (${countQuery({ branches: [labelled] }, PROBE)}) AS labelled, (${countQuery(unlabelled, PROBE)}) AS indexed`;
}
