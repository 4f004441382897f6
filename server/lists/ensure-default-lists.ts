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

/** Where Slurm's commands look for their configuration unless SLURM_CONF says otherwise. */
const SLURM_CONF = "/etc/slurm/slurm.conf";

/** How hpc-accounts starts: where its values come from, and whether they differ per user. */
export interface DefaultHpcAccounts {
  source: TListSource;
  perUser: boolean;
}

/**
 * The source hpc-accounts starts with: when Slurm is configured here (`sacctmgr` on PATH
 * and a slurm.conf where Slurm's commands look for it), each user's own Slurm accounts
 * (per-user: sbatch runs as the worker's user, so Slurm would let anyone charge any
 * account), else the demo CSV. The client alone (a package installed, no cluster) fails
 * every refresh.
 */
export function defaultHpcAccounts(env: Record<string, string | undefined>): DefaultHpcAccounts {
  const configured = existsSync(env.SLURM_CONF || SLURM_CONF);
  if (configured && onPath("sacctmgr", env.PATH ?? "")) {
    return {
      source: {
        kind: "command",
        argv: ["sacctmgr", "-nP", "show", "assoc", "where", "user={username}", "format=account"],
        parse: { format: "lines" },
      },
      perUser: true,
    };
  }
  return {
    source: {
      kind: "file",
      path: DEMO_HPC_ACCOUNTS,
      parse: { format: "csv", valueColumn: "account", labelColumn: "description", header: true },
    },
    perUser: false,
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
  const { source, perUser } = defaultHpcAccounts(ctx.config.childEnv);
  const [result] = await ctx.db.insert(referenceLists).ignore().values({
    name: HPC_ACCOUNTS,
    description: "Slurm accounts a run may be charged to (fastq-qc's hpcAccount)",
    source,
    perUser,
    nextRefreshAt: new Date(),
  });
  if (result.affectedRows === 1)
    ctx.log.info(
      { list: HPC_ACCOUNTS, source: source.kind, perUser },
      "defined the list hpc-accounts",
    );
}
