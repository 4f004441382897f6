import { spawnSync } from "node:child_process";
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { findProgram } from "./programs";
import { logSize, waitUntilStarted, writeState, type PrivateServer } from "./private-server";
import { probeRedis } from "./probe";
import { hostPort } from "./service-url";

/** Starts the private Redis in .data/redis on bind:port and waits until it answers PING. */
export async function startRedis(
  server: PrivateServer,
  bind: string,
  port: number,
  password: string,
): Promise<void> {
  const redisServer = findProgram("redis-server");
  if (!redisServer)
    throw new Error("Redis: the server program (redis-server) is missing (package redis-server).");
  mkdirSync(server.dir, { recursive: true });
  chmodSync(server.dir, 0o700);
  const logOffset = logSize(server);
  writeState(server, bind, port);
  // The password comes on stdin (as a config file, "-"), not on the command line where
  // `ps` would show it. Errors before it daemonizes (bad options) go into the same log.
  const args = [
    ...(password ? ["-"] : []),
    "--port",
    String(port),
    "--bind",
    bind,
    "--dir",
    server.dir,
    "--appendonly",
    "yes",
    "--daemonize",
    "yes",
    "--pidfile",
    server.pidFile,
    "--logfile",
    server.log,
  ];
  const log = openSync(server.log, "a");
  const started = spawnSync(redisServer, args, {
    input: password ? `requirepass "${password.replace(/[\\"]/g, "\\$&")}"\n` : "",
    stdio: ["pipe", log, log],
  });
  closeSync(log);
  await waitUntilStarted(server, {
    where: hostPort(bind, port),
    logOffset,
    seconds: started.status === 0 ? 30 : 0,
    failed: /# (Failed|Could not|Can.t)/,
    ready: async () =>
      started.status === 0 &&
      (await probeRedis({ scheme: "redis", host: bind, port, user: "", password })).status === "ok",
  });
}
