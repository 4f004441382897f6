import path from "node:path";
import { parseArgs } from "node:util";
import { loadEnvConfig } from "@next/env";
import { ConfigError, loadConfig } from "@/server/env";
import { formatDoctor, runDoctor } from "@/server/operations/doctor";
import { createBackup, restoreBackup } from "./backup";
import { ensureServices } from "./ensure-services";
import { privateServer, statusLine, stopServer } from "./private-server";
import { readSettings } from "./settings";
import { runTests } from "./run-tests";
import { up, yellow } from "./up";

// The entry of scripts/runport.sh: `npm run up`, `npm run services -- <action>`, `npm test`.

const USAGE = `usage:
  npm run up                       install, configure, build and run the portal (Ctrl-C stops it)
  npm run services -- status       the private MariaDB and Redis servers of this checkout (.data/)
  npm run services -- stop         stop them cleanly (their data stays in .data/)
  npm run services -- start        make sure MariaDB and Redis answer, starting private ones if needed
  npm test [-- vitest arguments]   services, Chromium, build (unless SKIP_BUILD=1), lint, types, tests
  npm run backup [-- --out DIR]    dump the database and the runs folder into DIR (default backups/<time>)
  npm run restore -- DIR [--force] restore a backup into an empty database and runs folder, and check it
  npm run doctor [-- --json] [-- --strict]
                                   what is wrong with this deployment (exit 1 on a failure; --strict: or a warning)`;

const root = path.resolve(import.meta.dirname, "../..");

async function services(action: string | undefined): Promise<number> {
  const servers = [privateServer(root, "mariadb"), privateServer(root, "redis")];
  if (action === "status") for (const server of servers) console.log(statusLine(server));
  else if (action === "stop") {
    let ok = true;
    for (const server of servers) ok = (await stopServer(server)) && ok;
    return ok ? 0 : 1;
  } else if (action === "start") {
    await ensureServices({ root, settings: readSettings(root).settings });
  } else {
    console.error(USAGE);
    return 2;
  }
  return 0;
}

/** The database and runs folder of this checkout's settings (.env, else the defaults). */
function backupTarget() {
  const { settings } = readSettings(root);
  return { databaseUrl: settings.DATABASE_URL, runsDir: path.resolve(root, settings.RUNS_DIR) };
}

async function backup(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: "string" } } });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const out = path.resolve(values.out ?? path.join(root, "backups", `runport-${stamp}`));
  const manifest = await createBackup(backupTarget(), out);
  const rows = Object.values(manifest.tables).reduce((sum, t) => sum + t.rows, 0);
  console.log(
    `Backup written to ${out}: ${Object.keys(manifest.tables).length} tables, ${rows} rows.`,
  );
  if (manifest.changedDuringBackup.length > 0)
    console.log(
      `These tables changed while it was taken, and a restore cannot check them: ${manifest.changedDuringBackup.join(", ")}.\nPause the intake on the operations page and wait for running runs to end for an exact backup.`,
    );
  return 0;
}

async function restore(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { force: { type: "boolean" } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    console.error("usage: npm run restore -- DIR [--force]");
    return 2;
  }
  const from = path.resolve(positionals[0]!);
  const result = await restoreBackup(backupTarget(), from, { force: values.force });
  console.log(
    `Restored ${from}: ${result.tables} tables, ${result.rows} rows, checked against its manifest${result.unchecked.length > 0 ? ` (except ${result.unchecked.join(", ")}, which changed while it was taken)` : ""}.`,
  );
  console.log("Start the portal: the beat puts the queued runs back in Redis.");
  return 0;
}

async function doctor(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: "boolean" }, strict: { type: "boolean" } },
  });
  loadEnvConfig(root, false, { info: () => undefined, error: console.error });
  let checks;
  try {
    checks = await runDoctor(loadConfig(process.env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks = [{ name: "configuration", status: "fail" as const, summary: error.message }];
  }
  console.log(values.json ? JSON.stringify({ checks }, null, 2) : formatDoctor(checks));
  const failed = checks.some((c) => c.status === "fail" || (values.strict && c.status === "warn"));
  return failed ? 1 : 0;
}

async function main(): Promise<number> {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const [command, ...args] = process.argv.slice(2);
  if (command === "up" && args.length === 0) return up(root);
  if (command === "services" && args.length <= 1) return services(args[0]);
  if (command === "test") return runTests(root, args);
  if (command === "backup") return backup(args);
  if (command === "restore") return restore(args);
  if (command === "doctor") return doctor(args);
  console.log(USAGE);
  return args.some((a) => a === "-h" || a === "--help") ? 0 : 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`\nError: ${error instanceof Error ? error.message : String(error)}`);
    if (process.argv[2] === "up") {
      console.error(`\n${yellow("`npm run up` stopped because of the error above.")}`);
      console.error(
        "Fix it and run `npm run up` again: every step that already succeeded is skipped.",
      );
    }
    process.exit(1);
  },
);
