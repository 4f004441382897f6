// Bundles the worker and beat entries (TypeScript, @/ paths) into dist/*.cjs for plain
// `node`: smaller and faster to start than a TypeScript loader. Dependencies stay in node_modules.
import { build } from "esbuild";

await build({
  entryPoints: { worker: "worker/main.ts", beat: "worker/beat.ts" },
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
console.log("built dist/worker.cjs and dist/beat.cjs");
