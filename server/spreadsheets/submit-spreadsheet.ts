import { MAX_LIST_TARGETS } from "@/lib/contract/lists";
import { collectListTargets } from "@/lib/schema/list-keyword";
import { assertListValues } from "../lists/assert-list-values";
import type { RunRow } from "@/db/schema";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { createRun } from "../runs/create-run";
import type { SubmitRunResult } from "../runs/submit-run";
import { MAX_SHEET_PROBLEMS, type ParseSpreadsheetOptions } from "./parse-spreadsheet";
import { prepareSpreadsheetRunOffThread } from "./parse-spreadsheet-off-thread";
import type { SheetProblem } from "./convert-workbook";
import { requireSubmitter } from "../auth/require-role";

export interface SubmitSpreadsheetOptions extends ParseSpreadsheetOptions {
  principal: Principal;
  /** The run's name; by default the config's `project` (the old portal's habit). */
  name?: string;
  dryRun: boolean;
  idempotencyKey?: string;
}

export function sheetProblems(problems: SheetProblem[]): ProblemItem[] {
  return problems.map(({ sheet, cell, path, message }) => ({ path, message, sheet, cell }));
}

/** "The spreadsheet for X has 3 problems", saying when only the first ones are listed. */
export function problemsSentence(ref: string, count: number): string {
  const listed = count > MAX_SHEET_PROBLEMS ? ` (the first ${MAX_SHEET_PROBLEMS} are listed)` : "";
  return `The spreadsheet for ${ref} has ${count === 1 ? "1 problem" : `${count} problems`}${listed}`;
}

/**
 * Submits a run from a workbook or CSV: every problem of the file (with its sheet and
 * cell) is a 422 and nothing is stored; a valid file creates the run like a JSON
 * submission would, with the converted config as its snapshot.
 */
export async function submitSpreadsheet(
  ctx: AppContext,
  options: SubmitSpreadsheetOptions,
): Promise<SubmitRunResult> {
  requireSubmitter(options.principal);
  // The file's bytes move to the thread: options.body is not read after this.
  const prepared = await prepareSpreadsheetRunOffThread(ctx, options);
  const { pipeline, problems, warnings } = prepared;
  const ref = `${pipeline.name}@${pipeline.version}`;
  if (problems.length > 0) {
    throw new AppError("VALIDATION_FAILED", problemsSentence(ref, prepared.problemCount), {
      errors: sheetProblems(problems),
    });
  }
  if (options.dryRun) {
    const config = prepared.config ?? {};
    // As the submission will (createRun): values tied to reference lists, against MySQL.
    const lists = await assertListValues(ctx, {
      targets: collectListTargets(pipeline.schema, config, MAX_LIST_TARGETS + 1),
      userId: options.principal.userId,
      prefix: "/config",
      subject: ref,
    });
    const all = [...sheetProblems(warnings), ...lists.warnings];
    return { kind: "dry-run", pipeline: ref, config, warnings: all };
  }
  if (prepared.configText === null)
    throw new Error("a valid spreadsheet came back without its config");
  const result: { run: RunRow; created: boolean } = await createRun(ctx, {
    principal: options.principal,
    pipeline,
    configText: prepared.configText,
    name: prepared.name,
    labels: {},
    hold: false,
    trigger: "workbook",
    warnings: sheetProblems(warnings),
    ...(options.idempotencyKey
      ? { idempotency: { key: options.idempotencyKey, requestHash: prepared.requestHash } }
      : {}),
  });
  return { kind: result.created ? "created" : "replayed", run: result.run };
}
