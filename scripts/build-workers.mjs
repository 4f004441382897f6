// Bundles the worker and beat entries (TypeScript, @/ paths) into dist/*.cjs for plain
// `node`: smaller and faster to start than a TypeScript loader. Dependencies stay in node_modules.
// dist/cpu-worker.cjs is the web process's CPU thread (server/cpu/): Next.js bundles the
// server's code into chunks, so the thread needs a script of its own at a known path.
import { build } from "esbuild";

await build({
  entryPoints: {
    worker: "worker/main.ts",
    beat: "worker/beat.ts",
    "cpu-worker": "server/cpu/cpu-worker.ts",
  },
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
console.log("built dist/worker.cjs, dist/beat.cjs and dist/cpu-worker.cjs");
