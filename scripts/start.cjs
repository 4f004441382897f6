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
const env = { ...process.env, PM2_HOME: home };
// Unix socket paths are limited to 107 bytes: deep checkouts put PM2's sockets in /tmp.
if (path.join(home, "interactor.sock").length > 100) {
  const id = createHash("sha256").update(home).digest("hex").slice(0, 12);
  env.PM2_DAEMON_RPC_PORT = path.join(tmpdir(), `runport-pm2-${id}-rpc.sock`);
  env.PM2_DAEMON_PUB_PORT = path.join(tmpdir(), `runport-pm2-${id}-pub.sock`);
}
const runtime = path.join(root, "node_modules/.bin/pm2-runtime");
const child = spawn(runtime, ["start", "ecosystem.config.js"], {
  cwd: root,
  env,
  stdio: "inherit",
});
// Ctrl-C reaches pm2-runtime directly (same process group); other signals are passed on.
process.on("SIGINT", () => undefined);
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
