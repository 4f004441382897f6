import { spawnSync } from "node:child_process";
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
      step("== tests", "npx", "vitest", "run", ...args)
    );
  } finally {
    if (started.length > 0) console.log("== stopping the private servers this run started");
    for (const server of started) await stopServer(server);
  }
}
