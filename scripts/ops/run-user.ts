import { spawnSync } from "node:child_process";

/** The system user `npm run up` creates for pipelines when it runs as root (RUN_AS_USER). */
export const DEFAULT_RUN_USER = "runport-run";

/** uid and gid of `name` through NSS (local files, LDAP, ...), or null when unknown. */
export function lookUpUser(name: string): { uid: number; gid: number } | null {
  const result = spawnSync("getent", ["passwd", name], { encoding: "utf8" });
  const [, , uid, gid] = result.status === 0 ? result.stdout.trim().split(":") : [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
}

/**
 * Makes sure the run user exists: a system user without a home or a login shell, so that
 * nobody signs in as it and it owns nothing but the working folders of runs.
 */
export function ensureRunUser(name: string): "exists" | "created" {
  if (lookUpUser(name)) return "exists";
  const result = spawnSync(
    "useradd",
    ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
    { encoding: "utf8" },
  );
  if (result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim();
    throw new Error(`could not create the system user ${name} for pipelines (useradd: ${why})`);
  }
  return "created";
}

/**
 * True when `name` can start Node in `dir`: pipelines run in the checkout's .data/runs and
 * read its pipelines/ folder, so every folder above must be open to others (a checkout in
 * /root is not).
 */
export function canWorkIn(name: string, dir: string): boolean {
  const user = lookUpUser(name);
  if (!user) return false;
  // chdir in the child: the one spawn does for `cwd` happens before it drops root.
  const probe = spawnSync(process.execPath, ["-e", "process.chdir(process.argv[1])", dir], {
    cwd: "/",
    uid: user.uid,
    gid: user.gid,
    stdio: "ignore",
    timeout: 30_000,
  });
  return !probe.error && probe.status === 0;
}
