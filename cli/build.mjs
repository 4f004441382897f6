// Bundles the runport client (cli/src, TypeScript) into one file, cli/dist/runport.mjs, that
// plain `node` runs: no dependency at run time but Node's own modules (fetch, parseArgs).
// `npm run build` at the root runs it; `npm install -g ./cli` then links the built file
// (a folder is linked, not copied: a later build updates the installed command).
import { chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const here = import.meta.dirname;
const { version } = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8"));
const outfile = path.join(here, "dist/runport.mjs");

await build({
  entryPoints: [path.join(here, "src/main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  banner: { js: "#!/usr/bin/env node" },
  define: { RUNPORT_CLI_VERSION: JSON.stringify(version) },
  logLevel: "warning",
});
chmodSync(outfile, 0o755);
console.log(`built ${path.relative(process.cwd(), outfile)}`);
