import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./stack";

/** Debian's slurmctld, slurmd, slurm-client and munge (scripts/runport.sh test installs them). */
const PROGRAMS = ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/sbin/munged"];

/** Values a shell would expand, split or end a quote on: each must reach the pipeline as is. */
export const HOSTILE_VALUES = [
  "$(touch /tmp/runport-pwned)",
  "`touch /tmp/runport-pwned`",
  "'; touch /tmp/runport-pwned; '",
  'a"b\\c $HOME ${PATH} *',
  "line one\nline two",
  "'",
  "''",
  "--time=1",
  " leading and trailing ",
  "ünïcødé ✓",
  "",
];

/** A single-node Slurm of one test file: its own config, ports, state and logs in `dir`. */
export interface TestSlurm {
  dir: string;
  /** The environment of the Slurm commands (SLURM_CONF: this cluster's config). */
  env: Record<string, string>;
  stopController(): Promise<void>;
  /** `clean`: with no saved state (slurmctld -c): the jobs so far are forgotten by squeue. */
  startController(options?: { clean?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** Why Slurm cannot run here, or null (the tests skip with this message). */
export function slurmMissing(): string | null {
  const missing = PROGRAMS.filter((p) => !existsSync(p));
  if (missing.length === 0) return null;
  return `Slurm tests skipped: ${missing.join(", ")} missing (apt-get install slurmctld slurmd slurm-client munge; scripts/runport.sh test does it)`;
}

/** munged is one per machine (its socket is fixed): started once, left running for others. */
function ensureMunge(): void {
  const probe = () =>
    spawnSync("sh", ["-c", "munge -n | unmunge"], { stdio: "ignore" }).status === 0;
  if (probe()) return;
  for (const dir of ["/run/munge", "/var/log/munge", "/var/lib/munge"]) {
    mkdirSync(dir, { recursive: true });
    spawnSync("chown", ["munge:munge", dir]);
  }
  spawnSync("runuser", ["-u", "munge", "--", "/usr/sbin/munged"], { stdio: "ignore" });
  if (!probe()) throw new Error("munged did not start (see /var/log/munge/munged.log)");
}

function slurmConf(dir: string, ports: { controller: number; node: number }, cpus = 2): string {
  // More CPUs than the machine has (the bench's trivial jobs): slurmd must take the config's.
  const overrides = cpus > 2 ? "SlurmdParameters=config_overrides\n" : "";
  return `ClusterName=runporttest
SlurmctldHost=localhost
SlurmctldPort=${ports.controller}
SlurmdPort=${ports.node}
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
JobCompType=jobcomp/filetxt
JobCompLoc=${dir}/jobcomp.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
${overrides}NodeName=localhost NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;
}

async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Slurm: ${what} did not happen in ${ms} ms`);
    await sleep(100);
  }
}

function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * Starts munged (if needed), then slurmctld and slurmd in the foreground (-D) with a
 * config of their own in a temp folder, on ports of their own: test files running at
 * once do not share a cluster. Resolves once the node is idle (about 1 s). `cpus`: the
 * node's CPUs as Slurm counts them (default 2, this machine kind's; more are declared with
 * SlurmdParameters=config_overrides, for jobs that use next to no CPU).
 */
export async function startTestSlurm(options: { cpus?: number } = {}): Promise<TestSlurm> {
  ensureMunge();
  const dir = mkdtempSync(path.join(tmpdir(), "runport-slurm-"));
  mkdirSync(path.join(dir, "state"));
  mkdirSync(path.join(dir, "spool"));
  // Ports free now (a random pick could be taken by another test's stack or daemon).
  const controllerPort = await freePort();
  let nodePort = await freePort();
  while (nodePort === controllerPort) nodePort = await freePort();
  const conf = path.join(dir, "slurm.conf");
  writeFileSync(conf, slurmConf(dir, { controller: controllerPort, node: nodePort }, options.cpus));
  const env = { SLURM_CONF: conf };
  const daemon = (program: string, args: string[]) =>
    spawn(program, ["-D", "-f", conf, ...args], { stdio: "ignore" });
  let controller: ChildProcess | null = daemon("/usr/sbin/slurmctld", ["-i"]);
  const node = daemon("/usr/sbin/slurmd", ["-N", "localhost"]);
  const answers = (args: string[]) => {
    const result = spawnSync("sinfo", args, { env: { ...process.env, ...env }, encoding: "utf8" });
    return result.status === 0 ? result.stdout : null;
  };
  await waitFor("node idle", () => /idle/.test(answers(["-h", "-o", "%T"]) ?? ""));
  return {
    dir,
    env,
    stopController: async () => {
      await stopProcess(controller);
      controller = null;
    },
    startController: async (options = {}) => {
      controller = daemon("/usr/sbin/slurmctld", options.clean ? ["-c"] : []);
      await waitFor("slurmctld answers", () => answers(["-h"]) !== null);
    },
    stop: async () => {
      await Promise.all([stopProcess(node), stopProcess(controller)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
