import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureServices } from "./ensure-services";
import { newEnvFile, setEnvValue } from "./env-file";
import { tcpOpen } from "./probe";
import { readSettings } from "./settings";
import { setupDatabase } from "./setup-database";

// `npm run up`: from a fresh clone to a running portal in one command (scripts/runport.sh
// has already checked Node and installed the npm dependencies). Safe to run again: each
// step only does what is missing. DATABASE_URL, REDIS_URL and PORT from the environment
// override .env (and the URLs are saved into .env so that later `npm start` uses them too).

const color =
  process.stdout.isTTY && !process.env.NO_COLOR && (process.env.TERM ?? "dumb") !== "dumb";
const paint = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = paint("1");
export const yellow = paint("1;33");
const green = paint("1;32");
const step = (text: string) => console.log(`\n${bold(`==> ${text}`)}`);

export async function up(root: string): Promise<number> {
  let { settings } = readSettings(root);
  // Before the long steps: the web server needs this port (and a rebuild would break a
  // Runport that is already running from this directory).
  if (await tcpOpen("127.0.0.1", settings.PORT, 2000))
    throw new Error(
      `Port ${settings.PORT} is already in use (is Runport already running?). Stop that, or use another port: PORT=${settings.PORT + 1} npm run up`,
    );

  const envPath = path.join(root, ".env");
  if (!existsSync(envPath)) {
    step("Creating .env (your local settings; not committed)");
    const text = newEnvFile({
      databaseUrl: settings.DATABASE_URL,
      redisUrl: settings.REDIS_URL,
      authSecret: randomBytes(32).toString("hex"),
      port: process.env.PORT || undefined,
      date: new Date(),
    });
    writeFileSync(envPath, text, { mode: 0o600 }); // it holds secrets: only you should read it
    console.log("Created .env with a random AUTH_SECRET.");
  }

  step("Checking MariaDB and Redis");
  await ensureServices({ root, databaseUrl: settings.DATABASE_URL, redisUrl: settings.REDIS_URL });
  // Saved in .env, so that the processes (and a later `npm start`) use the same servers.
  const loaded = readSettings(root);
  for (const [key, value] of [
    ["DATABASE_URL", settings.DATABASE_URL],
    ["REDIS_URL", settings.REDIS_URL],
  ] as const) {
    if (loaded.envFile[key] === value) continue;
    writeFileSync(envPath, setEnvValue(readFileSync(envPath, "utf8"), key, value));
    console.log(`Saved ${key}=${value} in .env`);
  }
  settings = readSettings(root).settings;

  const reason = buildNeeded(root);
  if (reason) {
    step(`Building the app (${reason}; a minute or two)`);
    if (spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" }).status !== 0)
      throw new Error("npm run build failed (see above).");
  }

  step("Preparing the database (tables, pipelines, first admin)");
  const { pipelineVersions, admin } = await setupDatabase(process.env);
  console.log(`database ready; ${pipelineVersions} pipeline version(s) registered`);
  if (admin?.password)
    console.log(
      yellow(
        [
          "",
          "  ****************************************************************",
          "    The admin password was generated now and is shown ONLY ONCE:",
          "",
          `        user:      ${admin.username}`,
          `        password:  ${admin.password}`,
          "",
          "    Save it now (e.g. in a password manager).",
          "  ****************************************************************",
        ].join("\n"),
      ),
    );

  const url = `http://localhost:${settings.PORT}`;
  const name = admin?.username ?? settings.ADMIN_USERNAME;
  const password = admin?.password ?? "PASSWORD";
  const note = admin?.password
    ? "the one printed above (shown only this once)"
    : settings.ADMIN_PASSWORD
      ? "ADMIN_PASSWORD from .env (or your environment)"
      : `unchanged since the first run (printed then); forgot it? npm run user -- password ${name}`;
  console.log(
    [
      green(
        [
          "",
          "  ================================================================",
          `   Runport:   ${url}`,
          `   Admin:     ${name}`,
          `   Password:  ${note}`,
          "  ================================================================",
        ].join("\n"),
      ),
      "   Submit the example run from a shell:",
      `   curl --request POST --user ${name}:${password} --header "Content-type: application/json" -d @pipelines/fastq-qc/example.json ${url}/api/v1/new-run/`,
      "",
      "   Stop the portal with Ctrl-C. MariaDB/Redis started from .data/ keep running:",
      "   npm run services -- status|stop",
    ].join("\n"),
  );

  step("Starting Runport (web, worker, beat)");
  const child = spawn("npm", ["start"], { cwd: root, stdio: "inherit" });
  // Ctrl-C reaches the whole foreground group, npm start included: wait for it to stop
  // the portal. Other signals are meant for us alone: pass them on.
  process.on("SIGINT", () => undefined);
  for (const signal of ["SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  const ready = announceWhenReady(url);
  const code = await new Promise<number>((resolve) =>
    child.on("exit", (c, s) => resolve(c ?? (s ? 130 : 1))),
  );
  ready.cancel();
  return code;
}

/** Why the production build is stale (missing, or a source is newer), or undefined. */
export function buildNeeded(root: string): string | undefined {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (!existsSync(buildId)) return "there is no production build yet";
  if (
    !existsSync(path.join(root, "dist/worker.cjs")) ||
    !existsSync(path.join(root, "dist/beat.cjs"))
  )
    return "the worker bundles (dist/) are missing";
  const since = statSync(buildId).mtimeMs;
  const sources = [
    "app",
    "server",
    "db",
    "lib",
    "components",
    "worker",
    "public",
    "instrumentation.ts",
    "next.config.js",
    "package-lock.json",
    "tsconfig.json",
    "scripts/build-workers.mjs",
  ];
  for (const source of sources) {
    const newer = firstNewer(path.join(root, source), since);
    if (newer) return `sources changed since the last build (${path.relative(root, newer)})`;
  }
  return undefined;
}

function firstNewer(file: string, since: number): string | undefined {
  if (!existsSync(file)) return undefined;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs > since ? file : undefined;
  for (const entry of readdirSync(file)) {
    const newer = firstNewer(path.join(file, entry), since);
    if (newer) return newer;
  }
  return undefined;
}

/** Once the portal answers: say so, and open the browser on a desktop. Gives up after 3 minutes. */
function announceWhenReady(url: string): { cancel(): void } {
  let cancelled = false;
  void (async () => {
    for (let i = 0; i < 180 && !cancelled; i++) {
      await sleep(1000);
      const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (!ok || cancelled) continue;
      console.log(`\n${green(`Runport is ready: ${url}`)}\n`);
      if (
        (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) &&
        spawnSync("sh", ["-c", "command -v xdg-open"]).status === 0
      )
        spawn("xdg-open", [url], { stdio: "ignore", detached: true }).unref();
      return;
    }
  })();
  return {
    cancel() {
      cancelled = true;
    },
  };
}
