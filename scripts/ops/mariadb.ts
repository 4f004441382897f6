import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { createConnection } from "mysql2/promise";
import { isRoot, serverPrograms } from "./programs";
import { logTail, readState, startAndWait, type PrivateServer } from "./private-server";
import { probeMysql, type Probe } from "./probe";
import { bindAddress, hostPort, type ServiceUrl } from "./service-url";

// The private MariaDB server in .data/mariadb.

/** Its Unix socket; paths are limited to 107 bytes, so deep checkouts use one in /tmp. */
function socketPath(server: PrivateServer): string {
  const socket = path.join(server.dir, "mysqld.sock");
  if (socket.length <= 100) return socket;
  const hash = createHash("sha256").update(server.dir).digest("hex").slice(0, 12);
  const name = `runport-mariadb-${process.getuid?.()}-${hash}.sock`;
  return path.join(process.env.TMPDIR || tmpdir(), name);
}

/**
 * Starts it on the URL's host and port (creating its data directory the first time), waits
 * until it answers, and makes sure the URL's user can log in.
 */
export async function startMariadb(server: PrivateServer, url: ServiceUrl) {
  const [bind, port] = [bindAddress(url.host), url.port];
  const [mariadbd, installDb] = serverPrograms("mariadb") ?? [];
  if (!mariadbd || !installDb)
    throw new Error("MariaDB: mariadbd or mariadb-install-db is missing (package mariadb-server).");
  if (!/mariadb/i.test(spawnSync(mariadbd, ["--version"], { encoding: "utf8" }).stdout ?? ""))
    throw new Error(
      `MariaDB: ${mariadbd} is MySQL, not MariaDB; Runport can only run a private MariaDB.\n` +
        "Either install MariaDB (apt-get install mariadb-server) or point DATABASE_URL in .env at your MySQL server with a user that can log in over TCP.",
    );
  // mariadbd refuses to run as root unless told to; as another user it runs as that user.
  const asUser = isRoot() ? [`--user=${userInfo().username}`] : [];
  const common = ["--no-defaults", `--datadir=${server.dir}`, ...asUser];
  fs.mkdirSync(server.dir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(path.join(server.dir, "mysql"))) {
    console.log("MariaDB: creating a new database directory in .data/mariadb...");
    const logFile = path.join(server.dir, "../mariadb-install.log");
    const log = fs.openSync(logFile, "w");
    const args = [...common, "--auth-root-authentication-method=normal", "--skip-test-db"];
    if (spawnSync(installDb, args, { stdio: ["ignore", log, log] }).status !== 0) {
      // It never held a database: empty it so that the next run starts from scratch.
      for (const entry of fs.readdirSync(server.dir))
        fs.rmSync(path.join(server.dir, entry), { recursive: true, force: true });
      throw new Error(
        `MariaDB: mariadb-install-db failed. The end of .data/mariadb-install.log:\n${logTail(logFile)}`,
      );
    }
  }
  const socket = socketPath(server);
  fs.writeFileSync(server.stateFile, `HOST=${bind}\nPORT=${port}\nSOCKET=${socket}\n`);
  await startAndWait(server, {
    where: hostPort(bind, port),
    seconds: 90,
    failed: /\[ERROR\] Aborting/,
    start() {
      // detached: its own session, so Ctrl-C on the portal (or killing its process group)
      // does not take the database down. --no-defaults: /etc/mysql is the system server's.
      const options = [`--socket=${socket}`, `--port=${port}`, `--bind-address=${bind}`];
      options.push(`--pid-file=${server.pidFile}`, `--log-error=${server.log}`);
      options.push("--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci");
      spawn(mariadbd, [...common, ...options], { detached: true, stdio: "ignore" }).unref();
      return true;
    },
    // Any answer counts, even "access denied".
    ready: async () =>
      (await probeMysql({ scheme: "mysql", host: bind, port, user: "root", password: "" }))
        .status !== "absent",
  });
  const probe = await loginMariadbUser(server, url);
  if (probe.status !== "ok")
    throw new Error(
      `MariaDB: the private server runs but user "${url.user}" cannot log in: ${probe.message}`,
    );
}

/** The URL's login, after setting its user up (ensureMariadbUser) when it fails. */
export async function loginMariadbUser(server: PrivateServer, url: ServiceUrl): Promise<Probe> {
  if ((await probeMysql(url)).status === "ok") return { status: "ok", message: "" };
  await ensureMariadbUser(server, url.user, url.password);
  return probeMysql(url);
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/**
 * Lets the URL's user log in with the URL's password and do everything (the tests create
 * their own databases). Runs as root through the socket: root of a data directory made by
 * mariadb-install-db has no password, or the URL's when that user is root and we set it.
 */
async function ensureMariadbUser(server: PrivateServer, user: string, password: string) {
  const [u, p] = [quote(user), quote(password)];
  const sql = ["localhost", "127.0.0.1", "::1"].map(quote).flatMap((h) => {
    const alter = `ALTER USER ${u}@${h} IDENTIFIED BY ${p}`;
    if (user === "root") return [`ALTER USER IF EXISTS ${u}@${h} IDENTIFIED BY ${p}`];
    const create = `CREATE USER IF NOT EXISTS ${u}@${h} IDENTIFIED BY ${p}`;
    return [create, alter, `GRANT ALL PRIVILEGES ON *.* TO ${u}@${h}`];
  });
  const socketPath = readState(server).socket ?? "";
  let lastError: unknown;
  for (const rootPassword of user === "root" && password ? ["", password] : [""]) {
    try {
      const options = { socketPath, user: "root", password: rootPassword };
      const connection = await createConnection({ ...options, multipleStatements: true });
      await connection.query(`${sql.join("; ")}; FLUSH PRIVILEGES`);
      return await connection.end();
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(
    `MariaDB: could not set up user "${user}" in the private server: ${String(lastError)}`,
  );
}
