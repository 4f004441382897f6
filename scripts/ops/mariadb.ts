import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { createConnection } from "mysql2/promise";
import { findProgram, isRoot } from "./programs";
import {
  lastLines,
  logSize,
  readState,
  waitUntilStarted,
  writeState,
  type PrivateServer,
} from "./private-server";
import { probeMysql } from "./probe";
import { hostPort } from "./service-url";

// The private MariaDB server in .data/mariadb.

/** Its Unix socket; paths are limited to 107 bytes, so deep checkouts use one in /tmp. */
function socketPath(server: PrivateServer): string {
  const socket = path.join(server.dir, "mysqld.sock");
  if (socket.length <= 100) return socket;
  const hash = createHash("sha256").update(server.dir).digest("hex").slice(0, 12);
  return path.join(
    process.env.TMPDIR || tmpdir(),
    `runport-mariadb-${process.getuid?.()}-${hash}.sock`,
  );
}

/** Starts it (creating the data directory the first time) on bind:port and waits until it answers. */
export async function startMariadb(
  server: PrivateServer,
  root: string,
  bind: string,
  port: number,
): Promise<void> {
  const mariadbd = findProgram("mariadbd", "mysqld");
  const installDb = findProgram("mariadb-install-db", "mysql_install_db");
  if (!mariadbd)
    throw new Error("MariaDB: the server program (mariadbd) is missing (package mariadb-server).");
  if (!/mariadb/i.test(spawnSync(mariadbd, ["--version"], { encoding: "utf8" }).stdout ?? ""))
    throw new Error(
      `MariaDB: ${mariadbd} is MySQL, not MariaDB; Runport can only run a private MariaDB.\nEither install MariaDB (apt-get install mariadb-server) or point DATABASE_URL in .env at your MySQL server with a user that can log in over TCP.`,
    );
  if (!installDb)
    throw new Error("MariaDB: mariadb-install-db is missing (package mariadb-server).");
  // mariadbd refuses to run as root unless told to; as another user it runs as that user.
  const asUser = isRoot() ? [`--user=${userInfo().username}`] : [];
  mkdirSync(server.dir, { recursive: true });
  chmodSync(server.dir, 0o700);
  if (!existsSync(path.join(server.dir, "mysql"))) {
    console.log("MariaDB: creating a new database directory in .data/mariadb...");
    const logFile = path.join(root, ".data/mariadb-install.log");
    const log = openSync(logFile, "w");
    const args = [
      "--no-defaults",
      `--datadir=${server.dir}`,
      ...asUser,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
    ];
    if (spawnSync(installDb, args, { stdio: ["ignore", log, log] }).status !== 0) {
      // It never held a database: empty it so that the next run starts from scratch.
      for (const entry of readdirSync(server.dir))
        rmSync(path.join(server.dir, entry), { recursive: true, force: true });
      throw new Error(
        `MariaDB: mariadb-install-db failed. The end of .data/mariadb-install.log:\n${lastLines(readFileSync(logFile, "utf8"), 20)}`,
      );
    }
  }
  const logOffset = logSize(server);
  const socket = socketPath(server);
  writeState(server, bind, port, `SOCKET=${socket}\n`);
  // detached: its own session, so Ctrl-C on the portal (or killing its process group)
  // does not take the database down with it. --no-defaults: ignore /etc/mysql, which
  // belongs to the system server.
  spawn(
    mariadbd,
    [
      "--no-defaults",
      ...asUser,
      `--datadir=${server.dir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      `--bind-address=${bind}`,
      `--pid-file=${server.pidFile}`,
      `--log-error=${server.log}`,
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_unicode_ci",
    ],
    { detached: true, stdio: "ignore" },
  ).unref();
  await waitUntilStarted(server, {
    where: hostPort(bind, port),
    logOffset,
    seconds: 90,
    failed: /\[ERROR\] Aborting/,
    // Any answer counts, even "access denied".
    ready: async () =>
      (await probeMysql({ scheme: "mysql", host: bind, port, user: "root", password: "" }))
        .status !== "absent",
  });
}

const quote = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;

/**
 * Lets the URL's user log in with the URL's password and do everything (the tests create
 * their own databases). Runs as root through the socket: root of a data directory made by
 * mariadb-install-db has no password, or the URL's when that user is root and we set it.
 */
export async function ensureMariadbUser(
  server: PrivateServer,
  user: string,
  password: string,
): Promise<void> {
  const u = quote(user);
  const p = quote(password);
  const sql = ["localhost", "127.0.0.1", "::1"]
    .map((h) => quote(h))
    .flatMap((h) =>
      user === "root"
        ? [`ALTER USER IF EXISTS ${u}@${h} IDENTIFIED BY ${p}`]
        : [
            `CREATE USER IF NOT EXISTS ${u}@${h} IDENTIFIED BY ${p}`,
            `ALTER USER ${u}@${h} IDENTIFIED BY ${p}`,
            `GRANT ALL PRIVILEGES ON *.* TO ${u}@${h}`,
          ],
    );
  const socket = readState(server).socket ?? socketPath(server);
  let lastError: unknown;
  for (const rootPassword of user === "root" && password ? ["", password] : [""]) {
    try {
      const connection = await createConnection({
        socketPath: socket,
        user: "root",
        password: rootPassword,
        multipleStatements: true,
      });
      await connection.query(`${sql.join("; ")}; FLUSH PRIVILEGES`);
      await connection.end();
      return;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(
    `MariaDB: could not set up user "${user}" in the private server: ${String(lastError)}`,
  );
}
