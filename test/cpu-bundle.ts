import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

/**
 * Bundles a CPU thread entry as scripts/build-workers.mjs does, into dist/ (where its
 * dependencies resolve from node_modules), and returns the script's path. Tests build the
 * thread from the current source: a dist/ left by an older build would test old code.
 * Written beside and renamed into place: the e2e stack's web process, running at the same
 * time, may be starting a thread from the same file.
 */
export async function bundleCpuWorker(entry: string, name: string): Promise<string> {
  const outfile = path.resolve("dist", `${name}.cjs`);
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
    write: false,
  });
  mkdirSync(path.dirname(outfile), { recursive: true });
  for (const file of result.outputFiles) {
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
  return outfile;
}
