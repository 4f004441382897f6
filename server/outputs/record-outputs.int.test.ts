import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { createHash, randomBytes } from "node:crypto";
import {
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOutputChunks, runOutputs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import type { Config } from "@/server/env";
import { createLogger } from "@/server/logger";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { recordOutputs, type OutputsSummary } from "./record-outputs";

const MiB = 1024 * 1024;
let ctx: AppContext;
let alice: TestUser;
let scratch: string;
/** The failure test's error is expected: keep it out of the test output. */
const quiet = createLogger("test", "silent");

beforeAll(async () => {
  ctx = createTestContext();
  await registerPipelines(ctx);
  alice = await createTestUser(ctx);
  scratch = mkdtempSync(path.join(tmpdir(), "runport-outputs-"));
});

afterAll(async () => {
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(scratch, { recursive: true, force: true });
});

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** A fresh outputs folder filled with `files` (relative path → content). */
function outputsFolder(files: Record<string, Buffer | string> = {}): string {
  const dir = mkdtempSync(path.join(scratch, "outputs-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Records `dir` for a new held run (attempt 1) with the given store limits. */
async function record(
  dir: string,
  limits: Partial<Pick<Config, "outputStoreMaxBytes" | "outputStoreRunMaxBytes">> = {},
  runId?: number,
  owner?: number,
) {
  const publicId = await submit(ctx, alice.principal, "hello", { name: "x" }, { hold: true });
  const run = runId === undefined ? await getRunRow(ctx, publicId) : { id: runId, publicId };
  const lines: string[] = [];
  const log = { write: (_stream: string, text: string) => lines.push(text) > 0 };
  const config = { ...ctx.config, ...limits };
  const summary: OutputsSummary = await recordOutputs(
    { ...ctx, log: quiet, config },
    { run, attempt: 1, outputsDir: dir, log, ...(owner === undefined ? {} : { owner }) },
  );
  const rows = await ctx.db
    .select()
    .from(runOutputs)
    .where(eq(runOutputs.runId, run.id))
    .orderBy(asc(runOutputs.path));
  return { summary, rows, log: lines.join(""), runId: run.id };
}

async function storedContent(outputId: number): Promise<Buffer> {
  const chunks = await ctx.db
    .select()
    .from(runOutputChunks)
    .where(eq(runOutputChunks.outputId, outputId))
    .orderBy(asc(runOutputChunks.seq));
  expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
  for (const chunk of chunks.slice(0, -1)) expect(chunk.data.length).toBe(MiB);
  return Buffer.concat(chunks.map((c) => c.data));
}

describe("recordOutputs", () => {
  it("records every regular file with its size and SHA-256, and stores the content in 1 MiB chunks", async () => {
    const files = {
      "qc.json": '{"ok": true}\n',
      "empty.txt": "",
      "nested/deeper/table.tsv": "a\tb\n",
      "exactly-one-chunk.bin": randomBytes(MiB),
      "two-and-a-half.bin": randomBytes(2.5 * MiB),
    };
    const { summary, rows, log } = await record(outputsFolder(files));
    expect(rows.map((r) => r.path)).toEqual(Object.keys(files).sort());
    for (const row of rows) {
      const content = Buffer.from(files[row.path as keyof typeof files]);
      expect(row).toMatchObject({
        attempt: 1,
        size: content.length,
        sha256: sha256(content),
        stored: true,
      });
      expect((await storedContent(row.id)).equals(content)).toBe(true);
    }
    const bytes = Object.values(files).reduce((n, c) => n + Buffer.byteLength(c), 0);
    expect(summary).toMatchObject({
      files: 5,
      bytes,
      storedFiles: 5,
      storedBytes: bytes,
      failed: false,
    });
    expect(log).toBe(`[runport] recorded 5 output files (${bytes} bytes; 5 stored)\n`);
  });

  it("stores a file of the default OUTPUT_STORE_MAX_BYTES (16 MiB) in one piece", async () => {
    const content = randomBytes(ctx.config.outputStoreMaxBytes);
    const { rows } = await record(outputsFolder({ "max.bin": content }));
    expect(rows[0]).toMatchObject({ size: content.length, sha256: sha256(content), stored: true });
    expect((await storedContent(rows[0]!.id)).equals(content)).toBe(true);
  });

  it("follows no symbolic link and records no FIFO, and says so in the log", async () => {
    const dir = outputsFolder({ "real.txt": "real\n" });
    symlinkSync("/etc/passwd", path.join(dir, "passwd-link"));
    symlinkSync("/etc", path.join(dir, "etc-link"));
    execFileSync("mkfifo", [path.join(dir, "pipe")]);
    const { rows, log } = await record(dir);
    expect(rows.map((r) => r.path)).toEqual(["real.txt"]);
    expect(log).toContain(
      `[runport] outputs: skipped "passwd-link": a symbolic link (links are not followed)`,
    );
    expect(log).toContain(`[runport] outputs: skipped "etc-link": a symbolic link`);
    expect(log).toContain(`[runport] outputs: skipped "pipe": not a regular file`);
    expect(log).toContain("[runport] recorded 1 output file (5 bytes; 1 stored)");

    const linked = path.join(scratch, "linked-outputs");
    symlinkSync(outputsFolder({ "secret.txt": "x" }), linked);
    const viaLink = await record(linked);
    expect(viaLink.rows).toEqual([]);
    expect(viaLink.log).toContain("the outputs folder is not a folder");
  });

  it.skipIf(process.getuid?.() !== 0)(
    "records only the run user's files when given its uid (needs root to chown)",
    async () => {
      const runUid = 64_123;
      const dir = outputsFolder({ "mine.txt": "mine\n", "sub/also.txt": "also\n" });
      for (const name of ["mine.txt", "sub", "sub/also.txt"])
        chownSync(path.join(dir, name), runUid, runUid);
      // Root's file, hard-linked in (as a link elsewhere, or a swapped folder, would reach it).
      const secret = path.join(scratch, "root-secret.txt");
      writeFileSync(secret, "secret\n", { mode: 0o600 });
      linkSync(secret, path.join(dir, "secret-link.txt"));
      const { rows, log } = await record(dir, {}, undefined, runUid);
      expect(rows.map((r) => r.path)).toEqual(["mine.txt", "sub/also.txt"]);
      expect(log).toContain(
        `[runport] outputs: skipped "secret-link.txt": not the run user's file (a hard link or a swapped folder?)`,
      );
    },
  );

  it("never follows a folder that a still running process keeps swapping for a link to another run's outputs", async () => {
    // The other run's outputs: the same run user owns them, so the owner check cannot tell.
    const other = outputsFolder({ "f.txt": "SECRET of another run\n", "g.txt": "SECRET too\n" });
    const secrets = new Set(["SECRET of another run\n", "SECRET too\n"].map((s) => sha256(s)));
    const dir = outputsFolder({ "a/f.txt": "mine\n" });
    symlinkSync(other, path.join(dir, "a.link"));
    // A process of the run that outlived it, swapping `a` and the link as fast as it can.
    const swap = `const fs = require("node:fs"), d = process.argv[1];
      for (;;) { fs.renameSync(d + "/a", d + "/a.real"); fs.renameSync(d + "/a.link", d + "/a");
        fs.renameSync(d + "/a", d + "/a.link"); fs.renameSync(d + "/a.real", d + "/a"); }`;
    const swapper = spawn(process.execPath, ["-e", swap, dir], { stdio: "ignore" });
    const stopped = once(swapper, "exit");
    try {
      for (let round = 0; round < 25; round++) {
        const { rows } = await record(dir);
        expect(rows.filter((row) => secrets.has(row.sha256))).toEqual([]);
      }
    } finally {
      swapper.kill("SIGKILL");
      await stopped;
    }
    // The swapper stopped anywhere in its loop: put the folder back and read it (the walk
    // does read a real folder of that name).
    const entry = (name: string) => lstatSync(path.join(dir, name), { throwIfNoEntry: false });
    if (entry("a")?.isSymbolicLink()) renameSync(path.join(dir, "a"), path.join(dir, "a.link"));
    if (entry("a.real")) renameSync(path.join(dir, "a.real"), path.join(dir, "a"));
    const { rows } = await record(dir);
    expect(rows.map((row) => [row.path, row.sha256])).toEqual([["a/f.txt", sha256("mine\n")]]);
  });

  it("keeps files over OUTPUT_STORE_MAX_BYTES, and beyond the attempt's budget, as metadata only", async () => {
    const files = {
      "a.bin": randomBytes(600),
      "b.bin": randomBytes(600),
      "c.bin": randomBytes(300),
      "d.bin": randomBytes(2000),
    };
    const { summary, rows, log } = await record(outputsFolder(files), {
      outputStoreMaxBytes: 1000,
      outputStoreRunMaxBytes: 1000,
    });
    expect(rows.map((r) => [r.path, r.stored, r.sha256])).toEqual([
      ["a.bin", true, sha256(files["a.bin"])],
      ["b.bin", false, sha256(files["b.bin"])], // 600 more would pass the 1000 of the attempt
      ["c.bin", true, sha256(files["c.bin"])],
      ["d.bin", false, sha256(files["d.bin"])], // over the 1000 of one file
    ]);
    const stored = await ctx.db
      .select({ outputId: runOutputChunks.outputId })
      .from(runOutputChunks)
      .where(
        inArray(
          runOutputChunks.outputId,
          rows.map((r) => r.id),
        ),
      );
    expect(new Set(stored.map((s) => s.outputId))).toEqual(new Set([rows[0]!.id, rows[2]!.id]));
    expect(summary).toMatchObject({ files: 4, bytes: 3500, storedFiles: 2, storedBytes: 900 });
    expect(log).toContain("recorded 4 output files (3500 bytes; 2 stored)");
  });

  it("records at most 1000 files, 16 levels deep, with paths of at most 512 characters", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1001; i++) files[`zz-many/f${String(i).padStart(4, "0")}.txt`] = `${i}\n`;
    const deep = Array.from({ length: 16 }, (_, i) => `d${i + 1}`);
    files[`${deep.slice(0, 15).join("/")}/level-16.txt`] = "16\n";
    files[`${deep.join("/")}/level-17.txt`] = "17\n";
    files[`${"x".repeat(200)}/${"y".repeat(200)}/${"z".repeat(120)}.txt`] = "long\n";
    const started = performance.now();
    const { rows, log } = await record(outputsFolder(files));
    const seconds = (performance.now() - started) / 1000;
    expect(rows).toHaveLength(1000);
    expect(rows.some((r) => r.path.endsWith("level-16.txt"))).toBe(true);
    expect(log).toContain(`skipped the folder "${deep.join("/")}": deeper than 16 levels`);
    expect(log).toContain("more than 1000 files: only the first 1000 were recorded");
    expect(log).toMatch(
      /skipped "x{200}\/y{200}\/z{120}\.txt": its path is longer than 512 characters/,
    );
    expect(seconds).toBeLessThan(10); // a few statements per 200 files, not several per file
  });

  it("leaves out a file whose path the database cannot tell from another's", async () => {
    const big = randomBytes(1.5 * MiB);
    const { rows, log } = await record(
      outputsFolder({
        "Report.txt": "upper\n",
        "report.txt": "lower\n",
        "Big.bin": big, // large files take the streaming path
        "big.bin": randomBytes(1.5 * MiB),
      }),
    );
    expect(rows.map((r) => r.path)).toEqual(["Big.bin", "Report.txt"]);
    for (const name of ["report.txt", "big.bin"]) {
      expect(log).toContain(
        `skipped "${name}": another output's path differs from it only in case`,
      );
    }
    expect((await storedContent(rows[0]!.id)).equals(big)).toBe(true);
    expect((await storedContent(rows[1]!.id)).toString()).toBe("upper\n");
    expect(log).toContain(`recorded 2 output files (${big.length + 6} bytes; 2 stored)`);
  });

  it("never throws: a failure to record is logged and the summary says so", async () => {
    // A run id that does not exist: the foreign key refuses the rows.
    const { summary, rows, log } = await record(outputsFolder({ "a.txt": "a" }), {}, 999_999_999);
    expect(rows).toEqual([]);
    expect(summary).toMatchObject({ failed: true, files: 0 });
    expect(log).toContain("[runport] outputs: could not record all outputs");
    expect(log).toContain("[runport] recorded 0 output files (0 bytes; 0 stored)");
  });

  it("records nothing, quietly, when the outputs folder is gone", async () => {
    const { summary, log } = await record(path.join(scratch, "never-created"));
    expect(summary).toMatchObject({ files: 0, failed: false, notes: [] });
    expect(log).toBe("[runport] recorded 0 output files (0 bytes; 0 stored)\n");
  });
});
