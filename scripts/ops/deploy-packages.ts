import fs from "node:fs";

/** The Debian package of each program the deployment tests run (deploy/, docs/OPERATIONS.md). */
const DEPLOY_PROGRAMS: Record<string, string> = {
  "/usr/sbin/nginx": "nginx",
  "/usr/bin/supervisord": "supervisor",
  "/usr/bin/openssl": "openssl",
};

/**
 * Debian packages the deployment tests need (nginx in front with TLS, supervisord running the
 * three processes): one for each missing program. Pure: the probe is passed in. The
 * packages' own services stay stopped (the tests start private instances).
 */
export function deployPackages(exists: (file: string) => boolean = fs.existsSync): string[] {
  return Object.entries(DEPLOY_PROGRAMS)
    .filter(([file]) => !exists(file))
    .map(([, name]) => name);
}
