import { spawnSync } from "node:child_process";
import { ensureServices } from "./ensure-services";
import { stopServer } from "./private-server";
import { databaseServerUrl } from "./service-url";
import { readSettings } from "./settings";

/**
 * `npm test`, as CI runs it: makes sure MariaDB/MySQL and Redis answer (starting private
 * ones in .data/ when the machine has none) and Chromium is installed, builds (unless
 * SKIP_BUILD=1), lints, typechecks, then runs vitest with the given arguments: unit,
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
    databaseUrl: settings.DATABASE_URL,
    redisUrl: settings.REDIS_URL,
    chromium: true,
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
    const steps: [string, string, string[]][] = [
      ...(process.env.SKIP_BUILD === "1"
        ? []
        : [["== build", "npm", ["run", "build"]] as [string, string, string[]]]),
      ["== lint and types", "npm", ["run", "lint"]],
      ["", "npm", ["run", "typecheck"]],
      ["== tests", "npx", ["vitest", "run", ...args]],
    ];
    for (const [title, command, commandArgs] of steps) {
      if (title) console.log(title);
      const { status } = spawnSync(command, commandArgs, { cwd: root, env, stdio: "inherit" });
      if (status !== 0) return status ?? 1;
    }
    return 0;
  } finally {
    if (started.length > 0) console.log("== stopping the private servers this run started");
    for (const server of started) await stopServer(server);
  }
}
