import { execFileSync } from "node:child_process";
import type { MigrationsReader } from "@/db/releases";

/**
 * The migrations folder of a release as committed (`git show <commit>:db/migrations/<file>`),
 * or null outside a git checkout or when the clone lacks that commit (shallow).
 */
export function gitMigrationsReader(commit: string): MigrationsReader | null {
  try {
    execFileSync("git", ["cat-file", "-e", `${commit}^{commit}`], { stdio: "ignore" });
  } catch {
    return null;
  }
  return (file) =>
    execFileSync("git", ["show", `${commit}:db/migrations/${file}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
}
