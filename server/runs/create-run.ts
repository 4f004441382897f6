import { CPU_INLINE_MAX_BYTES, runCpuTask } from "../cpu/run-cpu-task";
import { MAX_LIST_TARGETS } from "@/lib/contract/lists";
import { LIST_KEYWORD } from "@/lib/schema/list-keyword";
import { assertListValues } from "../lists/assert-list-values";
import { and, eq, sql } from "drizzle-orm";
import {
  runEvents,
  runLabels,
  runListVersions,
  runs,
  type PipelineRow,
  type RunRow,
  type RunWarning,
} from "@/db/schema";
import { wellFormed } from "@/lib/json/well-formed";
import { newRunId } from "@/lib/ids";
import type { RunTrigger } from "@/lib/run-status";
import type { Principal } from "../auth/principal";
import type { Statement } from "@/db/client";
import type { AppContext } from "../context";
import { publishRunChange } from "../changes/publish-run-change";
import { AppError } from "../errors";
import { countNewRun } from "../lifecycle/run-counters";
import { submission } from "../lifecycle/run-transitions";
import { ENQUEUE_WAIT_MS, enqueueRun } from "../queue/run-queue";
import { findCommittedRun } from "./find-committed-run";
import { isDuplicateKey } from "./is-duplicate-key";

export interface CreateRunOptions {
  principal: Principal;
  pipeline: PipelineRow;
  /** The config text exactly as submitted (already validated by the caller). */
  configText: string;
  name: string | null;
  labels: Record<string, string>;
  hold: boolean;
  trigger: RunTrigger;
  priority?: number;
  idempotency?: { key: string; requestHash: string };
  retryOfRunId?: number;
  /** The schedule whose fire makes this run. */
  scheduleId?: number;
  /** What validation found without refusing (undeclared properties): kept with the run. */
  warnings?: RunWarning[];
  /** More statements for the run's transaction (an audit row), given the new run's id. */
  also?: (publicId: string) => Statement[];
  /**
   * The reference-list versions the config's values were checked against (submitRun checks
   * them with the document's pointers). Without it, createRun checks the values itself
   * (422 at `/config/...`): every way a run is made (uploads, schedules, retries) is checked.
   */
  listVersions?: readonly { list: string; versionId: number }[];
}

export interface CreateRunResult {
  run: RunRow;
  /** False when an Idempotency-Key replay returned the original run. */
  created: boolean;
}

/** Finds the run an earlier request with the same Idempotency-Key created, if any. */
async function findReplay(
  ctx: Pick<AppContext, "db">,
  userId: number,
  idempotency: { key: string; requestHash: string },
): Promise<RunRow | null> {
  const [existing] = await ctx.db
    .select()
    .from(runs)
    .where(and(eq(runs.userId, userId), eq(runs.idempotencyKey, idempotency.key)))
    .limit(1);
  if (!existing) return null;
  if (existing.requestHash !== idempotency.requestHash) {
    throw new AppError(
      "CONFLICT",
      `The Idempotency-Key "${idempotency.key}" was already used with a different request body`,
    );
  }
  return existing;
}

/**
 * Stores a validated run (status queued, or held) with its labels, its first event and its
 * count in one transaction (one round trip), then enqueues it. If Redis is down the run stays queued in MySQL and
 * beat enqueues it later: a stored run is never lost.
 */
export async function createRun(
  ctx: AppContext,
  options: CreateRunOptions,
): Promise<CreateRunResult> {
  const { principal, pipeline, idempotency } = options;
  // A schedule's fires are made one run each by their keys: a person who took one could
  // make that fire fail for ever (CONFLICT) and hold the beat's queue of due schedules.
  if (options.trigger !== "schedule" && idempotency?.key.startsWith("schedule:"))
    throw new AppError(
      "BAD_REQUEST",
      'Idempotency-Key values that begin with "schedule:" are reserved',
    );
  if (idempotency) {
    const replay = await findReplay(ctx, principal.userId, idempotency);
    if (replay) return { run: replay, created: false };
  }
  const lists = options.listVersions
    ? { versions: options.listVersions, warnings: [] }
    : await checkConfigLists(ctx, options);
  const warnings = [...(options.warnings ?? []), ...lists.warnings];
  const now = new Date();
  const { status, message } = submission({
    hold: options.hold,
    user: principal.username,
    trigger: options.trigger,
  });
  const values = {
    publicId: newRunId(now.getTime()),
    pipelineId: pipeline.id,
    pipelineName: pipeline.name,
    pipelineVersion: pipeline.version,
    userId: principal.userId,
    name: options.name,
    labels: options.labels,
    status,
    trigger: options.trigger,
    config: options.configText,
    warnings: warnings.length ? warnings.map(storable) : null,
    priority: options.priority ?? 0,
    maxAttempts: pipeline.maxAttempts,
    idempotencyKey: idempotency?.key ?? null,
    requestHash: idempotency?.requestHash ?? null,
    retryOfRunId: options.retryOfRunId ?? null,
    scheduleId: options.scheduleId ?? null,
    createdAt: now,
    queuedAt: status === "queued" ? now : null,
  } as const;
  const insertRun = ctx.db.insert(runs).values(values).toSQL();
  // Before the event: run_labels has no AUTO_INCREMENT, so LAST_INSERT_ID() stays the run's.
  const labelRows = Object.entries(options.labels).map(([key, value]) => ({
    runId: sql<number>`LAST_INSERT_ID()`,
    key,
    value,
  }));
  const insertLabels = labelRows.length ? [ctx.db.insert(runLabels).values(labelRows).toSQL()] : [];
  // In the run's transaction (an answer lost after the commit loses nothing), before the event.
  const versionRows = lists.versions.map((v) => ({
    runId: sql<number>`LAST_INSERT_ID()`,
    listName: v.list,
    versionId: v.versionId,
  }));
  const insertVersions = versionRows.length
    ? [ctx.db.insert(runListVersions).values(versionRows).toSQL()]
    : [];
  const insertEvent = ctx.db
    .insert(runEvents)
    .values({
      runId: sql`LAST_INSERT_ID()`,
      attempt: 0,
      fromStatus: null,
      toStatus: status,
      message,
      actorUserId: principal.userId,
      createdAt: now,
    })
    .toSQL();
  let id: number;
  try {
    const also = options.also?.(values.publicId) ?? [];
    const statements = [
      insertRun,
      ...insertLabels,
      ...insertVersions,
      insertEvent,
      countNewRun(status),
      ...also,
    ];
    const [inserted] = await ctx.groupCommit.run(statements);
    id = inserted!.insertId;
  } catch (error) {
    // Two requests with one Idempotency-Key raced: the loser answers with the winner's run.
    if (idempotency && isDuplicateKey(error)) {
      const replay = await findReplay(ctx, principal.userId, idempotency);
      if (replay) return { run: replay, created: false };
    }
    // The answer was lost or late, but the COMMIT may have run: a stored run is a success.
    const committed = await findCommittedRun(ctx, error, values.publicId);
    if (committed === null) throw error;
    id = committed;
  }
  if (status === "queued") {
    await enqueueRun(ctx.queue, {
      runId: values.publicId,
      attempt: 1,
      priority: values.priority,
      waitMs: ENQUEUE_WAIT_MS,
    }).catch((error: unknown) => {
      ctx.log.warn({ err: error, runId: values.publicId }, "enqueue failed; beat will re-enqueue");
    });
  }
  const run: RunRow = {
    ...values,
    id,
    attempt: 0,
    exitCode: null,
    error: null,
    progressPercent: null,
    progressMessage: null,
    logBytes: 0,
    startedAt: null,
    finishedAt: null,
    cancelRequestedAt: null,
    updatedAt: null,
  };
  void publishRunChange(ctx, {
    kind: "created",
    run: values.publicId,
    userId: principal.userId,
    status,
  });
  return { run, created: true };
}

/**
 * Checks the config's values tied to reference lists (`x-runport-list`) for a run made
 * without submitRun (an upload, a schedule's fire, a retry): 422 at `/config/...` for an
 * unknown value, else the versions to record and the warnings (lists not checked).
 */
async function checkConfigLists(
  ctx: AppContext,
  options: CreateRunOptions,
): Promise<{ versions: readonly { list: string; versionId: number }[]; warnings: RunWarning[] }> {
  const { pipeline } = options;
  if (!JSON.stringify(pipeline.schema).includes(`"${LIST_KEYWORD}"`)) {
    return { versions: [], warnings: [] };
  }
  // A large config (an upload of many rows, say) is parsed on a CPU thread, not the loop.
  const { configText } = options;
  const targets = await runCpuTask(
    ctx,
    "collectConfigListTargets",
    { schema: pipeline.schema, configText, limit: MAX_LIST_TARGETS + 1 },
    { offThread: configText.length > CPU_INLINE_MAX_BYTES },
  );
  const checked = await assertListValues(ctx, {
    targets,
    userId: options.principal.userId,
    prefix: "/config",
    subject: `${pipeline.name}@${pipeline.version}`,
  });
  return {
    versions: checked.versions,
    warnings: checked.warnings.map(({ path, message }) => ({ path, message })),
  };
}

/**
 * A warning as MariaDB's JSON check accepts it: a property name may hold a lone surrogate
 * (`"\ud800"` is valid JSON text, and the config keeps it as sent), which `json_valid`
 * refuses; in the warning it becomes U+FFFD.
 */
function storable(warning: RunWarning): RunWarning {
  return { ...warning, path: wellFormed(warning.path), message: wellFormed(warning.message) };
}
