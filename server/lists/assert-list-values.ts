import { MAX_LIST_TARGETS } from "@/lib/contract/lists";
import type { ListTarget } from "@/lib/schema/list-keyword";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { checkListValues } from "./check-list-values";

/**
 * Throws VALIDATION_FAILED (422) listing every value not in its reference list, each at
 * `prefix` + its pointer; returns the warnings (lists not checked) and the versions to
 * record with the run. Called after the schema and the paths, before anything is stored.
 */
export async function assertListValues(
  ctx: Pick<AppContext, "db" | "caches">,
  options: { targets: readonly ListTarget[]; userId: number; prefix: string; subject: string },
): Promise<{ warnings: ProblemItem[]; versions: { list: string; versionId: number }[] }> {
  const at = (p: { path: string; message: string }) => ({
    path: options.prefix + p.path,
    message: p.message,
  });
  if (options.targets.length > MAX_LIST_TARGETS) {
    const message = `has more than ${MAX_LIST_TARGETS} values from reference lists; split it into several runs`;
    throw new AppError("VALIDATION_FAILED", `The config of ${options.subject} ${message}`, {
      errors: [{ path: options.prefix, message }],
    });
  }
  const check = await checkListValues(ctx, options.targets, options.userId);
  if (check.problems.length > 0) {
    const count = check.problems.length === 1 ? "1 value" : `${check.problems.length} values`;
    throw new AppError(
      "VALIDATION_FAILED",
      `The config has values that are not in their reference lists: ${count}`,
      { errors: check.problems.map(at) },
    );
  }
  return { warnings: check.warnings.map(at), versions: check.versions };
}
