import type { RunTrigger } from "@/lib/run-status";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError, type ProblemItem } from "../errors";
import { createRun } from "./create-run";
import type { RunRow } from "@/db/schema";
import { requireSubmitter } from "../auth/require-role";
import { CPU_INLINE_MAX_BYTES, runCpuTask } from "../cpu/run-cpu-task";
import { movable } from "../cpu/movable";
import { assertListValues } from "../lists/assert-list-values";

export interface SubmitRunOptions {
  principal: Principal;
  /**
   * The request body as received: its bytes (UTF-8, checked by the caller: readJsonBytes),
   * decoded where it is checked; or its text.
   */
  body: Uint8Array | string;
  /** `runs` = {pipeline, config, ...}; `legacy` = the body is the config. */
  format: "runs" | "legacy";
  trigger: RunTrigger;
  dryRun: boolean;
  idempotencyKey?: string;
}

export type SubmitRunResult =
  | { kind: "created" | "replayed"; run: RunRow }
  | { kind: "dry-run"; pipeline: string; config: unknown; warnings: ProblemItem[] };

/**
 * Validates a submission completely (JSON, envelope, pipeline, the pipeline's JSON
 * Schema: check-run-submission.ts, on a CPU thread when the body is large) before
 * anything is stored, then creates the run. Every problem carries a JSON Pointer into
 * the submitted document and its line and column.
 *
 * A large body's bytes move to the thread (a transfer, not a copy) and are decoded
 * there: on the event loop, decoding 9 MB took 30-200 ms and copying its text to the
 * thread ~30 ms more, while /api/health waited.
 */
export async function submitRun(
  ctx: AppContext,
  options: SubmitRunOptions,
): Promise<SubmitRunResult> {
  requireSubmitter(options.principal);
  const offThread = options.body.length > CPU_INLINE_MAX_BYTES;
  const { body, transfer } = offThread
    ? movable(options.body)
    : { body: options.body, transfer: [] };
  const {
    pipeline,
    request: envelope,
    config,
    configText,
    warnings: schemaWarnings,
    listTargets,
    requestHash,
  } = await runCpuTask(
    ctx,
    "checkRunSubmission",
    {
      body,
      format: options.format,
      role: options.principal.role,
      keepConfig: options.dryRun,
    },
    {
      offThread,
      transfer,
      limitError: (limit, seconds) =>
        new AppError(
          "VALIDATION_FAILED",
          limit === "time"
            ? `Checking the run request took longer than ${seconds} s: send a smaller config`
            : "Checking the run request needs more memory than the server allows: send a smaller config",
        ),
    },
  );
  const ref = `${pipeline.name}@${pipeline.version}`;
  // The thread has no database: the values tied to reference lists are checked here.
  const lists = await assertListValues(ctx, {
    targets: listTargets,
    userId: options.principal.userId,
    prefix: envelope.configPointer,
    subject: ref,
  });
  const warnings = [...schemaWarnings, ...lists.warnings];
  if (options.dryRun) return { kind: "dry-run", pipeline: ref, config, warnings };
  const result = await createRun(ctx, {
    principal: options.principal,
    pipeline,
    configText,
    warnings,
    name: envelope.name,
    labels: envelope.labels,
    hold: envelope.hold,
    priority: envelope.priority,
    trigger: options.trigger,
    ...(options.idempotencyKey
      ? { idempotency: { key: options.idempotencyKey, requestHash } }
      : {}),
    listVersions: lists.versions,
  });
  return { kind: result.created ? "created" : "replayed", run: result.run };
}
