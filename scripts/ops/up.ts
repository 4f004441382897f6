import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureServices } from "./ensure-services";
import { newEnvFile, setEnvValue, writeEnvFile } from "./env-file";
import { canWorkIn, DEFAULT_RUN_USER, ensureRunUser } from "./run-user";
import { tcpOpen } from "./probe";
import { readSettings } from "./settings";
import { setupDatabase } from "./setup-database";

// `npm run up`: from a fresh clone to a running portal in one command (scripts/runport.sh
// has already checked Node and installed the npm dependencies). Safe to run again: each
// step only does what is missing. DATABASE_URL, REDIS_URL and PORT from the environment
// override .env (and the URLs are saved into .env so that later `npm start` uses them too).

const tty = process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
const paint = (code: string) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
export const [bold, yellow, green] = [paint("1"), paint("1;33"), paint("1;32")];
const step = (text: string) => console.log(`\n${bold(`==> ${text}`)}`);

export async function up(root: string): Promise<number> {
  let { settings } = readSettings(root);
  const { PORT: port, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = settings;
  // Before the long steps: the web server needs this port (and a rebuild would break a
  // Runport that is already running from this directory).
  if (await tcpOpen("127.0.0.1", port, 2000))
    throw new Error(
      `Port ${port} is already in use (is Runport already running?). Stop that, or use another port (PORT=${port + 1} in .env; a second checkout also needs its own database and REDIS_PREFIX: docs/OPERATIONS.md).`,
    );

  const envPath = path.join(root, ".env");
  if (!fs.existsSync(envPath)) {
    step("Creating .env (your local settings; not committed)");
    const authSecret = randomBytes(32).toString("hex");
    const text = newEnvFile({
      databaseUrl,
      redisUrl,
      authSecret,
      port: process.env.PORT,
      date: new Date(),
    });
    writeEnvFile(envPath, text); // it holds secrets: only you may read it
    console.log("Created .env with a random AUTH_SECRET.");
  } else if ((fs.statSync(envPath).mode & 0o077) !== 0) {
    fs.chmodSync(envPath, 0o600);
    console.log("Made .env readable by you only (mode 600): it holds secrets.");
  }
  setUpRunUser(root, envPath);

  step("Checking MariaDB and Redis");
  await ensureServices({ root, settings });
  // Saved in .env, so that the processes (and a later `npm start`) use the same servers.
  for (const [key, value] of Object.entries({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl })) {
    if (readSettings(root).envFile[key] === value) continue;
    writeEnvFile(envPath, setEnvValue(fs.readFileSync(envPath, "utf8"), key, value));
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
      yellow(`
  ****************************************************************
    The admin password was generated now and is shown ONLY ONCE:

        user:      ${admin.username}
        password:  ${admin.password}

    Save it now (e.g. in a password manager).
  ****************************************************************`),
    );
  const url = `http://localhost:${port}`;
  const name = admin?.username ?? settings.ADMIN_USERNAME;
  const note = admin?.password
    ? "the one printed above (shown only this once)"
    : settings.ADMIN_PASSWORD
      ? "ADMIN_PASSWORD from .env (or your environment)"
      : `unchanged since the first run (printed then); forgot it? npm run user -- password ${name}`;
  console.log(`${green(`
  ================================================================
   Runport:   ${url}
   Admin:     ${name}
   Password:  ${note}
  ================================================================`)}
   Submit the example run from a shell:
   curl --request POST --user ${name}:${admin?.password ?? "PASSWORD"} --header "Content-type: application/json" -d @pipelines/fastq-qc/example.json ${url}/api/v1/new-run/

   Stop the portal with Ctrl-C. MariaDB/Redis started from .data/ keep running:
   npm run services -- status|stop`);

  step("Starting Runport (web, worker, beat)");
  const child = spawn("npm", ["start"], { cwd: root, stdio: "inherit" });
  // Ctrl-C reaches the whole foreground group, npm start included: wait for it to stop
  // the portal. Other signals are meant for us alone: pass them on.
  process.on("SIGINT", () => undefined);
  for (const signal of ["SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  await Promise.race([exited, announceWhenReady(url)]);
  return exited;
}

/**
 * As root: pipelines run as an unprivileged system user (RUN_AS_USER, created if missing),
 * so that they cannot read .env or other runs' folders. Left unset (with a warning) when
 * that user could not work in this checkout: the worker would refuse to start.
 */
function setUpRunUser(root: string, envPath: string): void {
  if (process.getuid?.() !== 0) return;
  // The environment, else .env (readSettings has loaded it into process.env).
  const configured = process.env.RUN_AS_USER;
  const name = configured || DEFAULT_RUN_USER;
  step(`Checking the system user pipelines run as (${name})`);
  if (ensureRunUser(name) === "created") console.log(`Created the system user ${name}.`);
  if (!canWorkIn(name, path.join(root, "pipelines"))) {
    console.log(
      yellow(
        `${name} cannot reach ${root} (a folder above it is closed to others), so pipelines would ` +
          `run as root. Move the checkout (e.g. to /opt/runport) and run \`npm run up\` again.`,
      ),
    );
    if (!configured) return;
    throw new Error(`RUN_AS_USER=${name} cannot work in ${root}: the worker would not start.`);
  }
  if (configured) return;
  writeEnvFile(envPath, setEnvValue(fs.readFileSync(envPath, "utf8"), "RUN_AS_USER", name));
  console.log(`Saved RUN_AS_USER=${name} in .env: pipelines run as ${name}, not root.`);
}

/** Why the production build is stale (missing, or a source is newer), or undefined. */
function buildNeeded(root: string): string | undefined {
  const at = (file: string) => path.join(root, file);
  if (!fs.existsSync(at(".next/BUILD_ID"))) return "there is no production build yet";
  if (!fs.existsSync(at("dist/worker.cjs")) || !fs.existsSync(at("dist/beat.cjs")))
    return "the worker bundles (dist/) are missing";
  const since = fs.statSync(at(".next/BUILD_ID")).mtimeMs;
  const stat = (file: string) => fs.statSync(at(file), { throwIfNoEntry: false });
  const sources =
    "app server db lib components worker public instrumentation.ts next.config.js package-lock.json tsconfig.json scripts/build-workers.mjs";
  const files = sources.split(" ").flatMap((source) => {
    if (!stat(source)?.isDirectory()) return [source];
    const entries = fs.readdirSync(at(source), { recursive: true, encoding: "utf8" });
    return entries.map((entry) => path.join(source, entry));
  });
  const changed = files.find((file) => stat(file)?.isFile() && stat(file)!.mtimeMs > since);
  return changed && `sources changed since the last build (${changed})`;
}

/** Once the portal answers: say so, and open the browser on a desktop. Gives up after 3 minutes. */
async function announceWhenReady(url: string): Promise<void> {
  for (let i = 0; i < 180; i++) {
    await sleep(1000);
    const signal = AbortSignal.timeout(2000);
    const health = await fetch(`${url}/api/health`, { signal }).catch(() => undefined);
    if (!health?.ok) continue;
    console.log(`\n${green(`Runport is ready: ${url}`)}\n`);
    if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
      spawn("xdg-open", [url], { stdio: "ignore", detached: true })
        .on("error", () => undefined)
        .unref();
    return;
  }
}
