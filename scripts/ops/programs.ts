import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { logTail } from "./private-server";

/**
 * Full path of the first of the named programs that exists. Server programs live in
 * /usr/sbin, which is not on a normal user's PATH on Debian.
 */
export function findProgram(...names: string[]): string | undefined {
  const dirs = `${process.env.PATH ?? ""}:/usr/sbin:/usr/local/sbin:/sbin:/usr/bin`.split(":");
  const candidates = names.flatMap((name) =>
    dirs.filter(Boolean).map((dir) => path.join(dir, name)),
  );
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** What it takes to run a private server of `kind`, each program under one of its names. */
export function serverPrograms(kind: "mariadb" | "redis"): string[] | undefined {
  const names =
    kind === "redis"
      ? [["redis-server"]]
      : [
          ["mariadbd", "mysqld"],
          ["mariadb-install-db", "mysql_install_db"],
        ];
  const found = names.map((n) => findProgram(...n));
  return found.every(Boolean) ? (found as string[]) : undefined;
}

export const isRoot = () => process.getuid?.() === 0;

/**
 * Installs the packages with apt-get (as root, or through sudo), only those not installed
 * yet: never upgrade (and so restart) existing ones. The system services the server
 * packages start are stopped and disabled: Runport runs its own servers from .data/, and a
 * system MariaDB on 3306 whose root logs in only through the Unix socket would otherwise
 * take the port and refuse Runport's login, now and after every reboot.
 */
export function aptInstall(root: string, packages: string[]): void {
  const installed = (p: string) =>
    spawnSync("dpkg-query", ["-W", "-f=${Status}", p], { encoding: "utf8" }).stdout ===
    "install ok installed";
  const wanted = packages.filter((p) => !installed(p));
  const list = wanted.join(" ");
  const sudo = isRoot() ? [] : ["sudo"];
  if (wanted.length === 0)
    throw new Error(
      `The packages ${packages.join(" ")} are installed, but their programs were not found (looked in PATH and /usr/sbin).`,
    );
  if (!findProgram("apt-get"))
    throw new Error(`Cannot install ${list} automatically: this is not a Debian/Ubuntu system (no apt-get).
Install them with your package manager, then run this again.`);
  if (sudo.length > 0 && !findProgram("sudo"))
    throw new Error(`Need to install ${list}, which requires root, but you are not root and sudo is missing.
Ask an administrator to run:  apt-get install -y ${list}   then run this again.`);
  fs.mkdirSync(path.join(root, ".data"), { recursive: true });
  const logFile = path.join(root, ".data/apt-get.log");
  const log = fs.openSync(logFile, "w");
  // stdin stays the terminal's: sudo may ask for a password.
  const run = (...args: string[]) => {
    const [command = "", ...rest] = [...sudo, ...args];
    return spawnSync(command, rest, { stdio: ["inherit", log, log] }).status === 0;
  };
  const through = sudo.length ? " (through sudo: it may ask for your password)" : "";
  console.log(
    `Installing ${list} with apt-get${through}; this can take a few minutes (log: .data/apt-get.log)...`,
  );
  // A failing update (e.g. one broken third-party repository) need not stop the install.
  if (!run("apt-get", "update"))
    console.error(
      "(apt-get update reported errors, see .data/apt-get.log; trying the install anyway)",
    );
  const ok = run("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", ...wanted);
  if (!ok)
    throw new Error(
      `Installing ${list} failed. The end of .data/apt-get.log:\n${logTail(logFile, 0, 15)}${
        sudo.length
          ? `\n(If sudo refused: ask an administrator to run  apt-get install -y ${list})`
          : ""
      }`,
    );
  const units = { "mariadb-server": "mariadb", "redis-server": "redis-server" };
  for (const unit of wanted.flatMap((p) => units[p as keyof typeof units] ?? [])) {
    if (fs.existsSync("/run/systemd/system") && findProgram("systemctl")) {
      run("systemctl", "disable", "--now", unit);
      console.log(
        `Note: the ${unit} system service that came with it is stopped and disabled; Runport runs its own server from .data/ (to use the system one instead: sudo systemctl enable --now ${unit}).`,
      );
    } else if (findProgram("service")) run("service", unit, "stop"); // no systemd (a container): its init script may have started it
  }
  fs.closeSync(log);
}
