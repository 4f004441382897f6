import fs from "node:fs";

/** The Debian package of each program the Slurm tests start or call (test/slurm.ts). */
const SLURM_PROGRAMS: Record<string, string> = {
  "/usr/sbin/slurmctld": "slurmctld",
  "/usr/sbin/slurmd": "slurmd",
  "/usr/bin/sbatch": "slurm-client",
  "/usr/sbin/munged": "munge",
};

/**
 * Debian packages the Slurm tests need (a real slurmctld + slurmd, docs/notes/
 * slurm-single-node.md): one for each missing program. Pure: the probe is passed in.
 * Not slurm-wlm, the metapackage: it pulls many plugin -dev packages.
 */
export function slurmPackages(exists: (file: string) => boolean = fs.existsSync): string[] {
  return Object.entries(SLURM_PROGRAMS)
    .filter(([file]) => !exists(file))
    .map(([, name]) => name);
}
