// PM2 process file: `npm start` (pm2-runtime, foreground) and production (`pm2 start
// ecosystem.config.js`) use the same three processes. Settings come from .env.
const { loadEnvConfig } = require("@next/env");

loadEnvConfig(__dirname);
const env = { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
const drainSeconds = Number(process.env.WORKER_DRAIN_SECONDS || 30);
const graceSeconds = Number(process.env.CANCEL_GRACE_SECONDS || 10);
const [port, host] = [process.env.PORT || "3000", process.env.HOST || "0.0.0.0"];
// Web processes behind the one PORT: PM2's cluster mode (node's cluster module: PM2 holds
// the listening socket and hands connections round-robin to the `next start` processes).
// Everything they must agree on is in MySQL or Redis (docs/notes/several-web-processes.md).
const webInstances = Number(process.env.WEB_INSTANCES || 1);
if (!Number.isInteger(webInstances) || webInstances < 1 || webInstances > 32)
  throw new Error(
    `WEB_INSTANCES must be a whole number from 1 to 32, not "${process.env.WEB_INSTANCES}"`,
  );
// App names stay `runport-web|worker|beat` (a production `pm2 reload` after an upgrade finds
// the same apps, whatever folder or symlinked release it runs from). `npm start` gives each
// checkout its own PM2 home and sets RUNPORT_INSTANCE to it (scripts/start.cjs); operators who
// run several installs under one PM2 daemon set RUNPORT_INSTANCE in each one's .env.
const instance = process.env.RUNPORT_INSTANCE
  ? `runport-${process.env.RUNPORT_INSTANCE}`
  : "runport";

/** One of this install's processes. */
const app = (name, options) => ({
  name: `${instance}-${name}`,
  ...(process.env.RUNPORT_INSTANCE ? { namespace: instance } : {}),
  cwd: __dirname,
  env,
  ...options,
});

module.exports = {
  apps: [
    app("web", {
      script: "scripts/next-start.cjs",
      args: ["--next", "start", "--port", port, "--hostname", host],
      // One process: fork mode, as before; several: cluster mode on the same port.
      ...(webInstances > 1 ? { exec_mode: "cluster", instances: webInstances } : {}),
      kill_timeout: 10_000,
      max_memory_restart: "1G",
    }),
    app("worker", {
      script: "dist/worker.cjs",
      // A small young generation: about 30 MB less idle memory, and cheaper fork/exec.
      node_args: "--max-semi-space-size=2",
      // Enough for the drain, the grace period of the last cancel and the final writes.
      kill_timeout: (drainSeconds + graceSeconds + 15) * 1000,
      // Signal the worker only: by default PM2 signals every descendant too, which would
      // kill the pipelines (their own process groups) before the worker can drain them
      // and hand them back: a reload would turn running runs into `failed`.
      treekill: false,
    }),
    app("beat", {
      script: "dist/beat.cjs",
      node_args: "--max-semi-space-size=2",
      kill_timeout: 10_000,
    }),
  ],
};
