// (i) reference lists (issue 18): the refresh of a 100,000-value list from a CSV file
// (read, parsed, de-duplicated, hashed, stored in batches), the refresh that finds the
// same values (hash only), and the check of a 10,000-row config whose rows each name a
// value of the list (x-runport-list), cold (the version's values loaded once) and warm.
// On its own throwaway database and Redis prefix: `BENCH_PARTS=lists npm run bench`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { dropDatabase, ensureDatabase } from "@/db/ensure-database";
import { migrateDatabase } from "@/db/migrate";
import { referenceLists } from "@/db/schema";
import { collectListTargets } from "@/lib/schema/list-keyword";
import { createAppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { checkListValues } from "@/server/lists/check-list-values";
import { refreshList } from "@/server/lists/refresh-list";
import { fmt } from "./stats";

const VALUES = 100_000;
const ROWS = 10_000;

export interface ListFigures {
  values: number;
  rows: number;
  refreshStoredMs: number;
  refreshUnchangedMs: number;
  checkColdMs: number;
  checkWarmMs: number;
  problems: number;
}

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export async function measureLists(): Promise<ListFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), "runport-bench-lists-"));
  const base = loadConfig({ ...process.env, AUTH_SECRET: "x".repeat(32) });
  const databaseUrl = base.databaseUrl.replace(
    /\/[^/?]*(\?|$)/,
    `/runport_bench_lists_${process.pid}$1`,
  );
  const config = {
    ...base,
    databaseUrl,
    redisPrefix: `bench-lists-${process.pid}`,
    listFileRoots: [dir],
    cpuPoolSize: 0,
  };
  await ensureDatabase(databaseUrl);
  const ctx = createAppContext(config, "bench");
  try {
    await migrateDatabase(ctx.db, config.migrationsDir);
    const file = path.join(dir, "projects.csv");
    const lines = [
      "id,title",
      ...Array.from({ length: VALUES }, (_, i) => `P-${String(i).padStart(6, "0")},Project ${i}`),
    ];
    writeFileSync(file, `${lines.join("\n")}\n`);
    const [inserted] = await ctx.db.insert(referenceLists).values({
      name: "projects",
      source: {
        kind: "file",
        path: file,
        parse: { format: "csv", valueColumn: "id", labelColumn: "title", header: true },
      },
    });
    const [list] = await ctx.db
      .select()
      .from(referenceLists)
      .where(eq(referenceLists.id, inserted.insertId));
    let start = process.hrtime.bigint();
    const stored = await refreshList(ctx, list!);
    const refreshStoredMs = since(start);
    if (stored.outcome !== "stored") throw new Error(`refresh: ${JSON.stringify(stored)}`);
    const [current] = await ctx.db
      .select()
      .from(referenceLists)
      .where(eq(referenceLists.id, list!.id));
    start = process.hrtime.bigint();
    const again = await refreshList(ctx, current!);
    const refreshUnchangedMs = since(start);
    if (again.outcome !== "unchanged") throw new Error(`second refresh: ${JSON.stringify(again)}`);

    const schema = {
      type: "object",
      properties: {
        rows: {
          type: "array",
          items: {
            type: "object",
            properties: { project: { type: "string", "x-runport-list": "projects" } },
          },
        },
      },
    };
    // Every 1,000th row names an unknown value: 10 problems, each with suggestions.
    const config10k = {
      rows: Array.from({ length: ROWS }, (_, i) => ({
        project: i % 1000 === 999 ? `P-X${i}` : `P-${String((i * 7) % VALUES).padStart(6, "0")}`,
      })),
    };
    const check = () => checkListValues(ctx, collectListTargets(schema, config10k), 0);
    start = process.hrtime.bigint();
    const cold = await check();
    const checkColdMs = since(start);
    start = process.hrtime.bigint();
    await check();
    const checkWarmMs = since(start);
    return {
      values: VALUES,
      rows: ROWS,
      refreshStoredMs,
      refreshUnchangedMs,
      checkColdMs,
      checkWarmMs,
      problems: cold.problems.length,
    };
  } finally {
    await ctx.close();
    await dropDatabase(databaseUrl).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function listRows(f: ListFigures): string[][] {
  const n = (x: number) => x.toLocaleString("en");
  return [
    [
      `(i) refresh of a ${n(f.values)}-value list (new version)`,
      `${fmt(f.refreshStoredMs, 0)} ms`,
      "",
    ],
    ["(i) refresh finding the same values", `${fmt(f.refreshUnchangedMs, 0)} ms`, ""],
    [
      `(i) list check of a ${n(f.rows)}-row config, cold (values loaded)`,
      `${fmt(f.checkColdMs, 0)} ms`,
      "target ≤ 1000 ms",
    ],
    ["(i) the same check, warm", `${fmt(f.checkWarmMs, 0)} ms`, `${f.problems} problems`],
  ];
}
