import path from "node:path";
import { build } from "esbuild";

/**
 * Bundles a CPU thread entry as scripts/build-workers.mjs does, into dist/ (where its
 * dependencies resolve from node_modules), and returns the script's path. Tests build the
 * thread from the current source: a dist/ left by an older build would test old code.
 */
export async function bundleCpuWorker(entry: string, name: string): Promise<string> {
  const outfile = path.resolve("dist", `${name}.cjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    sourcemap: true,
    logLevel: "warning",
  });
  return outfile;
}
