// `npm start`: web, worker and beat under pm2-runtime in the foreground (building first when
// there is no production build), with a PM2 home of this checkout's own, .data/pm2. With the
// default ~/.pm2 a second checkout would attach to the first one's PM2, restart its
// processes, and stop them on Ctrl-C.
const { execSync, spawn } = require("node:child_process");
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const built = [".next/BUILD_ID", "dist/worker.cjs", "dist/beat.cjs"].map((f) => path.join(root, f));
if (!built.every(existsSync)) {
  console.log("No production build found: running `npm run build` first.");
  execSync("npm run build", { cwd: root, stdio: "inherit" });
}
const home = path.join(root, ".data/pm2");
mkdirSync(home, { recursive: true });
// Names its apps after this checkout too (ecosystem.config.js), so that even under one PM2
// daemon two checkouts would not touch each other's processes.
const instance =
  process.env.RUNPORT_INSTANCE ?? createHash("sha256").update(root).digest("hex").slice(0, 6);
const env = { ...process.env, PM2_HOME: home, RUNPORT_INSTANCE: instance };
// Unix socket paths are limited to 107 bytes: deep checkouts put PM2's sockets in /tmp.
if (path.join(home, "interactor.sock").length > 100) {
  const id = createHash("sha256").update(home).digest("hex").slice(0, 12);
  env.PM2_DAEMON_RPC_PORT = path.join(tmpdir(), `runport-pm2-${id}-rpc.sock`);
  env.PM2_DAEMON_PUB_PORT = path.join(tmpdir(), `runport-pm2-${id}-pub.sock`);
}
const runtime = path.join(root, "node_modules/.bin/pm2-runtime");
// pm2-runtime in a process group of its own: the first stop signal, whoever sends it (Ctrl-C
// reaches this process and npm, which passes it on too; kill; a supervisor), is handed to it
// once, and it stops the apps gracefully (the worker drains).
const child = spawn(runtime, ["start", "ecosystem.config.js"], {
  cwd: root,
  env,
  stdio: "inherit",
  detached: true,
});
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    child.kill(signal);
  });
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
