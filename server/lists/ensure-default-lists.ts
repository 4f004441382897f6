import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";
import type { TListSource } from "@/lib/contract/lists";
import { referenceLists } from "@/db/schema";
import type { AppContext } from "../context";

/** The list fastq-qc's `hpcAccount` names. */
export const HPC_ACCOUNTS = "hpc-accounts";
/** Shipped with Runport: the values the example configs use. */
export const DEMO_HPC_ACCOUNTS = path.resolve("lists", "demo-hpc-accounts.csv");

/** True when `program` is an executable file in one of PATH's folders. */
function onPath(program: string, searchPath: string): boolean {
  return searchPath.split(":").some((dir) => {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Where Slurm's configuration is looked for: a client installed without one (no cluster
 * here) has sacctmgr on PATH, and every refresh of the list would fail.
 */
export const SLURM_CONF_FILES = ["/etc/slurm/slurm.conf", "/etc/slurm-llnl/slurm.conf"];

/**
 * The source hpc-accounts starts with: Slurm's accounts when Slurm is configured here
 * (`sacctmgr` on PATH and a slurm.conf), else the demo CSV.
 */
export function defaultHpcAccountsSource(
  searchPath: string,
  confFiles: readonly string[] = SLURM_CONF_FILES,
): TListSource {
  if (onPath("sacctmgr", searchPath) && confFiles.some((f) => existsSync(f))) {
    return {
      kind: "command",
      argv: ["sacctmgr", "-nP", "show", "account", "format=account"],
      parse: { format: "lines" },
    };
  }
  return {
    kind: "file",
    path: DEMO_HPC_ACCOUNTS,
    parse: { format: "csv", valueColumn: "account", labelColumn: "description", header: true },
  };
}

/**
 * Defines the lists the shipped pipelines name when they do not exist yet (at start, by
 * every process: the unique name makes it once). An admin's changes are never undone:
 * a list that exists is left alone, and a deleted one comes back only at the next start.
 */
export async function ensureDefaultLists(
  ctx: Pick<AppContext, "db" | "config" | "log">,
): Promise<void> {
  const source = defaultHpcAccountsSource(ctx.config.childEnv.PATH ?? "");
  const [result] = await ctx.db.insert(referenceLists).ignore().values({
    name: HPC_ACCOUNTS,
    description: "Slurm accounts a run may be charged to (fastq-qc's hpcAccount)",
    source,
    nextRefreshAt: new Date(),
  });
  if (result.affectedRows === 1)
    ctx.log.info({ list: HPC_ACCOUNTS, source: source.kind }, "defined the list hpc-accounts");
}
