import path from "node:path";
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
  npm test [-- vitest arguments]   services, Chromium, build (unless SKIP_BUILD=1), lint, types, tests`;

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

async function main(): Promise<number> {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const [command, ...args] = process.argv.slice(2);
  if (command === "up" && args.length === 0) return up(root);
  if (command === "services" && args.length <= 1) return services(args[0]);
  if (command === "test") return runTests(root, args);
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
