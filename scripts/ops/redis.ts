import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { serverPrograms } from "./programs";
import { startAndWait, type PrivateServer } from "./private-server";
import { probeRedis } from "./probe";
import { bindAddress, hostPort, type ServiceUrl } from "./service-url";

/** Starts the private Redis in .data/redis on the URL's host and port and waits until it answers PING. */
export async function startRedis(server: PrivateServer, url: ServiceUrl) {
  const [bind, port, password] = [bindAddress(url.host), url.port, url.password];
  const [program] = serverPrograms("redis") ?? [];
  if (!program) throw new Error("Redis: redis-server is missing (package redis-server).");
  fs.mkdirSync(server.dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(server.stateFile, `HOST=${bind}\nPORT=${port}\n`);
  // The password comes on stdin (as a config file, "-"), not on the command line where
  // `ps` would show it. Errors before it daemonizes (bad options) go into the same log.
  const args = ["--port", `${port}`, "--bind", bind, "--dir", server.dir, "--appendonly", "yes"];
  args.push("--daemonize", "yes", "--pidfile", server.pidFile, "--logfile", server.log);
  const config = password ? `requirepass "${password.replace(/[\\"]/g, "\\$&")}"\n` : "";
  await startAndWait(server, {
    where: hostPort(bind, port),
    seconds: 30,
    failed: /# (Failed|Could not|Can.t)/,
    start: () => {
      const log = fs.openSync(server.log, "a");
      const { status } = spawnSync(program, password ? ["-", ...args] : args, {
        input: config,
        stdio: ["pipe", log, log],
      });
      fs.closeSync(log);
      return status === 0;
    },
    ready: async () =>
      (await probeRedis({ scheme: "redis", host: bind, port, user: "", password })).status === "ok",
  });
}
