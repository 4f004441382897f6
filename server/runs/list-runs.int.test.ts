import { eq, inArray, like, sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipelines, runLabels, runs } from "@/db/schema";
import { ZListRunsQuery } from "@/lib/contract/runs";
import { RUN_STATUSES, type RunStatus } from "@/lib/run-status";
import type { Principal } from "@/server/auth/principal";
import type { AppContext } from "@/server/context";
import { getAppContext } from "@/server/http/app-context";
import { createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { createRun } from "./create-run";
import { listRuns, runListStatements } from "./list-runs";

let ctx: AppContext;
let admin: TestUser;
let alice: TestUser;
let bob: TestUser;

/** What the brute force filters on: the seeded rows as the test wrote them. */
interface Seeded {
  id: number;
  publicId: string;
  status: RunStatus;
  pipelineName: string;
  pipelineVersion: string;
  user: TestUser;
  name: string | null;
  labels: Record<string, string>;
}
const seeded: Seeded[] = [];

const NAMES = ["Alpha", "alphabet", "beta", "gamma"];
const PIPELINES = ["fastq-qc", "hello", "fastq-subsample"];

/** Few hundred runs of every shape, inserted as bulk rows (runs + run_labels). */
async function seedRuns(count: number): Promise<void> {
  const rows = await ctx.db.select().from(pipelines);
  const versionOf = (name: string) => rows.find((p) => p.name === name)!;
  const users = [admin, alice, bob];
  const values = Array.from({ length: count }, (_, i) => {
    const pipeline = versionOf(PIPELINES[i % 3]!);
    const labels: Record<string, string> = { batch: `b${i % 4}` };
    if (i % 5 === 0) labels.team = i % 10 === 0 ? "qc" : "QC";
    return {
      publicId: `01seed${String(i).padStart(20, "0")}`,
      pipelineId: pipeline.id,
      pipelineName: pipeline.name,
      pipelineVersion: pipeline.version,
      userId: users[(i * 7) % 3]!.principal.userId,
      name: i % 9 === 0 ? null : `${NAMES[i % 4]}-${i}`,
      labels,
      status: RUN_STATUSES[(i * 5) % RUN_STATUSES.length]!,
      trigger: "api" as const,
      config: "{}",
    };
  });
  await ctx.db.insert(runs).values(values);
  const stored = await ctx.db
    .select({ id: runs.id, publicId: runs.publicId })
    .from(runs)
    .where(like(runs.publicId, "01seed%"));
  const idOf = new Map(stored.map((r) => [r.publicId, r.id]));
  const labelRows = values.flatMap((v) =>
    Object.entries(v.labels).map(([key, value]) => ({ runId: idOf.get(v.publicId)!, key, value })),
  );
  await ctx.db.insert(runLabels).values(labelRows);
  for (const [i, v] of values.entries())
    seeded.push({ ...v, id: idOf.get(v.publicId)!, user: users[(i * 7) % 3]! });
}

beforeAll(async () => {
  ctx = getAppContext();
  await registerPipelines(ctx);
  [admin, alice, bob] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "submitter"),
  ]);
  await seedRuns(240);
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
});

const query = (search: string) => {
  const params = new URLSearchParams(search);
  return ZListRunsQuery.parse({
    ...Object.fromEntries(params),
    status: params.getAll("status"),
    label: params.getAll("label"),
  });
};

/** Every page of a search, following nextCursor: the ids in order and the first total. */
async function listAll(principal: Principal, search: string, totalCap: number) {
  const ids: number[] = [];
  let cursor: string | null = null;
  let first: { total: number; totalIsLowerBound: boolean } | null = null;
  do {
    const list = await listRuns(ctx, {
      principal,
      query: { ...query(search), limit: 7, ...(cursor ? { cursor } : {}) },
      totalCap,
    });
    first ??= list;
    for (const item of list.items) ids.push(seeded.find((s) => s.publicId === item.id)!.id);
    cursor = list.nextCursor;
  } while (cursor);
  return { ids, total: first.total, totalIsLowerBound: first.totalIsLowerBound };
}

/** The same search done the slow, obvious way over the seeded rows. */
function bruteForce(principal: Principal, search: string): number[] {
  const params = new URLSearchParams(search);
  const statuses = params.getAll("status");
  const pipeline = params.get("pipeline");
  const user = params.get("user");
  const q = params.get("q")?.toLowerCase();
  return seeded
    .filter(
      (s) =>
        (principal.role !== "submitter" || s.user.principal.userId === principal.userId) &&
        (statuses.length === 0 || statuses.includes(s.status)) &&
        (!pipeline || s.pipelineName === pipeline) &&
        (!user || s.user.username === user) &&
        params.getAll("label").every((l) => {
          const [key, value] = [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)];
          return s.labels[key] === value;
        }) &&
        (!q || s.name?.toLowerCase().startsWith(q) === true || s.publicId === q),
    )
    .map((s) => s.id)
    .sort((a, b) => b - a);
}

describe("listRuns over a few hundred runs, against a brute-force filter", () => {
  const singles = () => [
    "status=failed",
    "status=queued&status=succeeded&status=held",
    "pipeline=hello",
    `user=${bob.username}`,
    "label=batch:b1",
    "label=team:QC",
    "q=alpha",
  ];
  it("agrees for every filter alone and every pair, as an admin and as a submitter, page by page", async () => {
    const filters = singles();
    const searches = [
      "",
      ...filters,
      ...filters.flatMap((a, i) => filters.slice(i + 1).map((b) => `${a}&${b}`)),
      `status=failed&pipeline=hello&user=${alice.username}`,
      "label=batch:b1&label=team:qc",
      `q=${seeded[17]!.publicId}`,
    ];
    let compared = 0;
    for (const principal of [admin.principal, alice.principal]) {
      for (const search of searches) {
        const expected = bruteForce(principal, search);
        const got = await listAll(principal, search, 1000);
        expect({ search, ids: got.ids }).toEqual({ search, ids: expected });
        expect({ search, total: got.total }).toEqual({ search, total: expected.length });
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(1000); // the searches are not all empty
  });

  it("counts exactly up to the cap, then answers the cap with totalIsLowerBound", async () => {
    const all = await listAll(admin.principal, "", 50);
    expect(all).toMatchObject({ total: 50, totalIsLowerBound: true });
    expect(all.ids).toHaveLength(seeded.length); // the pages still reach every run
    const several = await listAll(admin.principal, "status=failed&status=succeeded", 50);
    expect(several).toMatchObject({ total: 50, totalIsLowerBound: true });
    const few = bruteForce(admin.principal, "label=batch:b2&pipeline=hello");
    expect(few.length).toBeLessThanOrEqual(50);
    expect(await listAll(admin.principal, "label=batch:b2&pipeline=hello", 50)).toMatchObject({
      total: few.length,
      totalIsLowerBound: false,
    });
  });
});

/** Rows MariaDB read for a statement: r_rows × r_loops of every table in ANALYZE's plan. */
async function rowsRead(statement: SQL): Promise<number> {
  const [rows] = (await ctx.db.execute(sql`ANALYZE FORMAT=JSON ${statement}`)) as unknown as [
    { ANALYZE: string }[],
  ];
  const walk = (node: unknown): number => {
    if (!node || typeof node !== "object") return 0;
    const table = (node as { table?: { r_rows?: number; r_loops?: number } }).table;
    const own = typeof table?.r_rows === "number" ? table.r_rows * (table.r_loops ?? 1) : 0;
    return own + Object.values(node).reduce<number>((sum, child) => sum + walk(child), 0);
  };
  return walk(JSON.parse(rows[0]!.ANALYZE));
}

describe("the plans", () => {
  it("read about a page of index entries per status for a page, whatever the table holds", async () => {
    const cases: [string, number][] = [
      ["", 8],
      ["status=failed", 8],
      ["status=failed&status=succeeded", 2 * 8 + 2 * 16],
      ["pipeline=hello", 8],
      [`pipeline=hello&user=${alice.username}`, 8],
      ["label=batch:b1", 8],
    ];
    for (const [search, bound] of cases) {
      const statements = await runListStatements(ctx, {
        principal: admin.principal,
        query: { ...query(search), limit: 7 },
        totalCap: 1000,
      });
      const read = await rowsRead(statements!.page);
      expect(read, search).toBeGreaterThan(0);
      expect(read, search).toBeLessThanOrEqual(bound);
    }
  });
});

describe("q", () => {
  it("finds names by their beginning, whatever the case, and a run by its id; not words inside", async () => {
    const names = async (q: string) =>
      (await listRuns(ctx, { principal: admin.principal, query: query(`q=${q}&limit=200`) })).items;
    expect((await names("ALPHABET-1")).map((r) => r.name)).toEqual(
      seeded
        .filter((s) => s.name?.startsWith("alphabet-1"))
        .sort((a, b) => b.id - a.id)
        .map((s) => s.name),
    );
    expect(await names("phabet")).toEqual([]);
    expect((await names(seeded[3]!.publicId)).map((r) => r.id)).toEqual([seeded[3]!.publicId]);
  });

  it("refuses a q that begins more names than the cap, with what to do", async () => {
    const run = listRuns(ctx, { principal: admin.principal, query: query("q=a"), textCap: 20 });
    await expect(run).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: 'More than 20 run names begin with "a": type more of the name',
    });
    const narrow = await listRuns(ctx, {
      principal: admin.principal,
      query: query("q=alpha-10"),
      textCap: 20,
    });
    expect(narrow.items.length).toBeGreaterThan(0);
  });
});

describe("run_labels", () => {
  it("are written with the run, keys compared exactly", async () => {
    const [pipeline] = await ctx.db.select().from(pipelines).where(eq(pipelines.name, "hello"));
    const { run } = await createRun(ctx, {
      principal: alice.principal,
      pipeline: pipeline!,
      configText: "{}",
      name: "labelled",
      labels: { Team: "a", team: "b", "x.y/z": "with: colon" },
      hold: true,
      trigger: "api",
    });
    const rows = await ctx.db.select().from(runLabels).where(eq(runLabels.runId, run.id));
    expect(rows.map((r) => [r.key, r.value]).sort()).toEqual([
      ["Team", "a"],
      ["team", "b"],
      ["x.y/z", "with: colon"],
    ]);
    const ids = async (search: string) =>
      (await listRuns(ctx, { principal: alice.principal, query: query(search) })).items.map(
        (r) => r.id,
      );
    expect(await ids("label=Team:a&label=x.y/z:with: colon")).toEqual([run.publicId]);
    expect(await ids("label=team:a")).toEqual([]);
  });

  it("are not kept when the run's transaction fails", async () => {
    const [pipeline] = await ctx.db.select().from(pipelines).where(eq(pipelines.name, "hello"));
    const before = await ctx.db.select().from(runLabels).where(eq(runLabels.key, "doomed"));
    const failing = createRun(ctx, {
      principal: alice.principal,
      pipeline: pipeline!,
      configText: "{}",
      name: "doomed",
      labels: { doomed: "yes" },
      hold: true,
      trigger: "api",
      // A later statement of the same transaction fails: nothing of the run may stay.
      also: () => [{ sql: "INSERT INTO no_such_table VALUES (1)", params: [] }],
    });
    await expect(failing).rejects.toThrow();
    expect(await ctx.db.select().from(runLabels).where(eq(runLabels.key, "doomed"))).toEqual(
      before,
    );
    expect(
      await ctx.db
        .select()
        .from(runs)
        .where(inArray(runs.name, ["doomed"])),
    ).toEqual([]);
  });
});
