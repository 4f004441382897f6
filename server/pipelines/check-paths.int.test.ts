import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { PathRule, PathTarget } from "@/lib/schema/path-keywords";
import { testTempDir } from "@/test/temp-dir";
import { checkPaths, type PathRoots } from "./check-paths";

// Real files, folders and symbolic links in a temporary tree:
//   pipeline/            the pipeline folder (relative paths start here)
//     data/r1.fastq
//     to-data -> ../data          a link to a data root: inside
//     to-secret -> ../secret/s.txt, to-secret-dir -> ../secret, to-gone -> ../secret/gone.txt
//   data/                 a DATA_ROOTS entry: r1.fastq, sub/, loop-a <-> loop-b, dangling -> nowhere
//   secret/s.txt          outside every root
function tree() {
  const base = testTempDir("paths");
  const dir = (...p: string[]) => path.join(base, ...p);
  mkdirSync(dir("pipeline/data"), { recursive: true });
  mkdirSync(dir("data/sub"), { recursive: true });
  mkdirSync(dir("secret"));
  writeFileSync(dir("pipeline/data/r1.fastq"), "@r\nA\n+\nI\n");
  writeFileSync(dir("data/r1.fastq"), "@r\nA\n+\nI\n");
  writeFileSync(dir("secret/s.txt"), "secret");
  symlinkSync(dir("data"), dir("pipeline/to-data"));
  symlinkSync(dir("secret/s.txt"), dir("pipeline/to-secret"));
  symlinkSync(dir("secret"), dir("pipeline/to-secret-dir"));
  symlinkSync(dir("secret/gone.txt"), dir("pipeline/to-gone"));
  symlinkSync(dir("data/nowhere.txt"), dir("data/dangling"));
  symlinkSync(dir("data/loop-b"), dir("data/loop-a"));
  symlinkSync(dir("data/loop-a"), dir("data/loop-b"));
  const roots: PathRoots = { pipelineDir: dir("pipeline"), dataRoots: [dir("data")] };
  return { base, dir, roots };
}

const FILE: PathRule = { format: "file-path", exists: true };
const at = (value: string, rule: PathRule = FILE, pointer = "/p"): PathTarget => ({
  pointer,
  value,
  rule,
});

async function messageFor(roots: PathRoots, value: string, rule: PathRule = FILE) {
  const problems = await checkPaths([at(value, rule)], roots);
  return problems[0]?.message ?? null;
}

describe("checkPaths on real files", () => {
  it("accepts files inside the pipeline folder (relative) and a data root (absolute)", async () => {
    const { dir, roots } = tree();
    const targets = [
      at("data/r1.fastq", FILE, "/a"),
      at(dir("data/r1.fastq"), FILE, "/b"),
      at("to-data/r1.fastq", FILE, "/c"), // a link from one root into another
      at(dir("data/sub"), { format: "directory-path", exists: true }, "/d"),
      at(dir("data"), { format: "path" }, "/e"),
      at("data/new.txt", { format: "file-path", exists: false }, "/f"),
    ];
    expect(await checkPaths(targets, roots)).toEqual([]);
  });

  it("says what is wrong: missing, a folder, not a folder, already there", async () => {
    const { dir, roots } = tree();
    expect(await messageFor(roots, "data/r2.fastq")).toBe("does not exist");
    expect(await messageFor(roots, dir("data/sub/x/y.fastq"))).toBe("does not exist");
    expect(await messageFor(roots, dir("data/r1.fastq/x"))).toBe("does not exist");
    expect(await messageFor(roots, `data/${"n".repeat(300)}.fq`)).toBe("does not exist");
    expect(await messageFor(roots, dir("data/sub"))).toBe("is a folder");
    expect(await messageFor(roots, dir("data/r1.fastq"), { format: "directory-path" })).toBe(
      "is not a folder",
    );
    expect(await messageFor(roots, "data", { format: "path", exists: false })).toBe(
      "already exists",
    );
    // Without exists, a missing path is fine (nf-schema: the format alone checks no existence).
    expect(await messageFor(roots, "data/later.txt", { format: "file-path" })).toBeNull();
    expect(await messageFor(roots, dir("data/loop-a"))).toBe("is a loop of symbolic links");
    expect(await messageFor(roots, dir("data/dangling"))).toBe("does not exist");
    expect(await messageFor(roots, "data/r1.fastq\u0000.txt")).toBe(
      "is not a valid path: it holds a NUL character",
    );
  });

  it("refuses what is outside the roots with the configured roots, never the target", async () => {
    const { base, dir, roots } = tree();
    const outside = `is outside the data folders: the pipeline folder, ${dir("data")}`;
    const values = [
      "/etc/passwd", // outside, exists
      "/etc/no-such-file-here", // outside, missing: must answer the same
      "../secret/s.txt", // relative, climbing out
      "to-secret", // a link to a file outside
      "to-secret-dir/s.txt", // through a linked folder outside
      "to-secret-dir/missing.txt", // a missing file in a linked folder outside
      "to-gone", // a dangling link to outside: must not say "does not exist"
      dir("secret/s.txt"),
    ];
    const problems = await checkPaths(
      values.map((v, i) => at(v, FILE, `/p/${i}`)),
      roots,
    );
    expect(problems).toEqual(values.map((_, i) => ({ path: `/p/${i}`, message: outside })));
    for (const p of problems) {
      expect(p.message).not.toContain("secret");
      expect(p.message).not.toContain(base + "/pipeline");
    }
  });

  it("a link to /etc/passwd inside a data root tells nothing of its target", async () => {
    const { dir, roots } = tree();
    symlinkSync("/etc/passwd", dir("data/passwd.fastq"));
    symlinkSync("/etc/does-not-exist.fastq", dir("data/gone.fastq"));
    const a = await messageFor(roots, dir("data/passwd.fastq"));
    const b = await messageFor(roots, dir("data/gone.fastq"));
    expect(a).toBe(b);
    expect(a).toMatch(/^is outside the data folders: /);
    expect(a).not.toContain("/etc");
  });

  it("a data root that is itself a link: paths may be written either way", async () => {
    const { dir } = tree();
    symlinkSync(dir("data"), dir("data-link"));
    const roots: PathRoots = { pipelineDir: null, dataRoots: [dir("data-link")] };
    expect(await messageFor(roots, dir("data-link/r1.fastq"))).toBeNull();
    expect(await messageFor(roots, dir("data/r1.fastq"))).toBeNull();
    // No pipeline folder on this machine: relative paths are left to the worker.
    expect(await messageFor(roots, "data/r1.fastq")).toBeNull();
    // A root that does not exist is listed as configured, and holds nothing.
    const missingRoot: PathRoots = { pipelineDir: null, dataRoots: [dir("nope")] };
    expect(await messageFor(missingRoot, dir("nope/x.fastq"))).toBe(
      `is outside the data folders: the pipeline folder, ${dir("nope")}`,
    );
  });

  // Root reads everything: there is nothing to see as root.
  it.skipIf(process.getuid?.() === 0)(
    "an unreadable folder: permission denied, not missing",
    async () => {
      const { dir, roots } = tree();
      mkdirSync(dir("data/locked"));
      writeFileSync(dir("data/locked/r.fastq"), "x");
      chmodSync(dir("data/locked"), 0o000);
      try {
        expect(await messageFor(roots, dir("data/locked/r.fastq"))).toBe(
          "cannot be read by Runport (permission denied)",
        );
      } finally {
        chmodSync(dir("data/locked"), 0o755);
      }
    },
  );

  it("a folder named by many paths is listed once, and its links still resolved", async () => {
    const { dir, roots } = tree();
    mkdirSync(dir("data/lane"));
    for (let i = 0; i < 20; i++) writeFileSync(dir(`data/lane/f${i}.fastq`), "");
    mkdirSync(dir("data/lane/sub"));
    symlinkSync(dir("secret/s.txt"), dir("data/lane/out.fastq"));
    symlinkSync(dir("data/r1.fastq"), dir("data/lane/in.fastq"));
    const names = [...Array.from({ length: 20 }, (_, i) => `f${i}.fastq`), "sub", "out.fastq"];
    const targets = [...names, "in.fastq", "none.fastq"].map((n, i) =>
      at(dir(`data/lane/${n}`), FILE, `/p/${i}`),
    );
    expect(await checkPaths(targets, roots)).toEqual([
      { path: "/p/20", message: "is a folder" },
      {
        path: "/p/21",
        message: `is outside the data folders: the pipeline folder, ${dir("data")}`,
      },
      { path: "/p/23", message: "does not exist" },
    ]);
  });

  it("checks 10,000 entries naming 250 paths, in document order, at most 100 problems", async () => {
    const { dir, roots } = tree();
    mkdirSync(dir("data/many"));
    for (let i = 0; i < 200; i++) writeFileSync(dir(`data/many/f${i}.fastq`), "");
    const targets = Array.from({ length: 10_000 }, (_, i) =>
      at(dir(`data/many/f${i % 250}.fastq`), FILE, `/dataFiles/${i}/fastqPath`),
    );
    const problems = await checkPaths(targets, roots, { concurrency: 4 });
    // f200..f249 are missing, 40 times each; the answer stops at 100 problems.
    expect(problems).toHaveLength(100);
    expect(problems[0]).toEqual({ path: "/dataFiles/200/fastqPath", message: "does not exist" });
    expect(problems[50]!.path).toBe("/dataFiles/450/fastqPath");
  });
});
