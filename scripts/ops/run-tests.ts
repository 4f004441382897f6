import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { ensureServices } from "./ensure-services";
import { stopServer } from "./private-server";
import { databaseServerUrl } from "./service-url";
import { readSettings } from "./settings";

/**
 * `npm test`, as CI runs it: makes sure MariaDB/MySQL and Redis answer (starting private
 * ones in .data/ when the machine has none) and Chromium, python3-openpyxl and Gnumeric
 * are installed (the real-writer workbook test), and Slurm with munge (the Slurm executor
 * tests start their own slurmctld + slurmd), nginx and supervisor (the deployment tests), builds (unless SKIP_BUILD=1), lints, typechecks, then runs vitest with the given arguments: unit,
 * integration (own database and key prefix) and end-to-end tests. Private servers it
 * started are stopped at the end; servers that already ran are left alone.
 */
export async function runTests(root: string, args: string[]): Promise<number> {
  console.log("== services");
  // The steps get our environment as it was, not .env's settings (which readSettings adds).
  const baseEnv = { ...process.env };
  const { settings } = readSettings(root);
  const started = await ensureServices({
    root,
    settings,
    chromium: true,
    fixtureWriters: true,
    slurm: true,
    deploy: true,
  });
  // Ctrl-C reaches the steps too; we still stop the servers afterwards.
  process.on("SIGINT", () => undefined);
  try {
    const env = {
      ...baseEnv,
      // Tests create their own database on this server and their own Redis key prefix.
      TEST_DATABASE_SERVER: databaseServerUrl(settings.DATABASE_URL),
      TEST_REDIS_URL: settings.REDIS_URL,
    };
    const step = (title: string, command: string, ...rest: string[]) => {
      if (title) console.log(title);
      return spawnSync(command, rest, { cwd: root, env, stdio: "inherit" }).status ?? 1;
    };
    return (
      (process.env.SKIP_BUILD === "1" ? 0 : step("== build", "npm", "run", "build")) ||
      step("== lint and types", "npm", "run", "lint") ||
      step("", "npm", "run", "typecheck") ||
      (args.length > 0
        ? step("== tests", "npx", "vitest", "run", ...args)
        : await runLanes(root, env))
    );
  } finally {
    if (started.length > 0) console.log("== stopping the private servers this run started");
    for (const server of started) await stopServer(server);
  }
}

/**
 * The suite in three vitest processes at once. One process runs its projects one file at a
 * time (vitest puts the files of single-worker projects in one sequential group), and most
 * of an end-to-end file's time is waiting on the stack, a browser or a fault's 30 s; so the
 * integration and unit files, the shared stack's e2e files and the e2e files with a stack
 * of their own each get a lane. Lines are prefixed with their lane. The files whose
 * assertions are about response times under load (the e2e-alone project) run afterwards,
 * alone, on a stack of their own, so that the other lanes' work is not what they measure.
 */
const LANES = [
  { name: "e2e", args: ["--project", "e2e"] },
  { name: "own+unit", args: ["--project", "e2e-own", "--project", "unit"] },
  { name: "int", args: ["--project", "integration"] },
];

async function runLanes(root: string, env: NodeJS.ProcessEnv): Promise<number> {
  console.log(`== tests (lanes: ${LANES.map((l) => l.name).join(", ")})`);
  const started = Date.now();
  const results = await Promise.all(
    LANES.map(
      (lane) =>
        new Promise<{ name: string; code: number; seconds: number }>((resolve) => {
          const child = spawn("npx", ["vitest", "run", ...lane.args], {
            cwd: root,
            env,
            stdio: ["ignore", "pipe", "pipe"],
          });
          for (const stream of [child.stdout, child.stderr]) {
            createInterface({ input: stream }).on("line", (line) =>
              console.log(`[${lane.name}] ${line}`),
            );
          }
          const done = (code: number) =>
            resolve({ name: lane.name, code, seconds: Math.round((Date.now() - started) / 1000) });
          child.on("error", () => done(1));
          child.on("close", (code) => done(code ?? 1));
        }),
    ),
  );
  console.log("== lanes");
  for (const r of results)
    console.log(`  ${r.name.padEnd(9)} ${r.code === 0 ? "passed" : "FAILED"} in ${r.seconds} s`);
  console.log("== tests that measure response times, alone");
  const alone =
    spawnSync("npx", ["vitest", "run", "--project", "e2e-alone"], {
      cwd: root,
      env,
      stdio: "inherit",
    }).status ?? 1;
  return results.some((r) => r.code !== 0) || alone !== 0 ? 1 : 0;
}
