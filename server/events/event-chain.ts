import { and, eq, inArray, max } from "drizzle-orm";
import { eventRules, eventRuns, events, runOutputs } from "@/db/schema";
import type { AppContext } from "../context";
import type { RunEventConsumer, RunEventNotice } from "../run-events/follow-run-events";
import { MAX_CHAIN_DEPTH, processEvent, recordEvent } from "./receive-event";

/** Outputs listed in a run.succeeded / run.failed payload. */
const MAX_OUTPUTS = 200;
const ENDS = ["succeeded", "failed"] as const;

/** The event a run's end becomes: one per run and outcome, so no rule fires twice for a run. */
export const chainEventId = (type: string, runPublicId: string) => `${type}:${runPublicId}`;

async function emit(ctx: AppContext, notice: RunEventNotice, type: string): Promise<void> {
  const [parent] = await ctx.db
    .select({ depth: max(events.depth) })
    .from(eventRuns)
    .innerJoin(events, eq(events.id, eventRuns.eventId))
    .where(eq(eventRuns.runId, notice.runId));
  const depth = parent?.depth === null || parent?.depth === undefined ? 1 : parent.depth + 1;
  const outputs = await ctx.db
    .select({ id: runOutputs.id, path: runOutputs.path, size: runOutputs.size })
    .from(runOutputs)
    .where(and(eq(runOutputs.runId, notice.runId), eq(runOutputs.attempt, notice.attempt)))
    .orderBy(runOutputs.path)
    .limit(MAX_OUTPUTS);
  const { row } = await recordEvent(ctx, {
    eventId: chainEventId(type, notice.publicId),
    type,
    payload: {
      run: notice.publicId,
      pipeline: notice.pipelineName,
      version: notice.pipelineVersion,
      name: notice.runName,
      status: notice.toStatus,
      outputs: outputs.map((o) => ({
        path: o.path,
        size: o.size,
        url: `/api/v1/runs/${notice.publicId}/outputs/${o.id}`,
      })),
    },
    depth,
    sourceRunId: notice.runId,
    postedBy: null,
    error:
      depth > MAX_CHAIN_DEPTH
        ? `Loop guard: this event is ${depth} runs deep (at most ${MAX_CHAIN_DEPTH}); no rule was tried`
        : null,
  });
  await processEvent(ctx, row);
}

/**
 * Chaining (docs/API.md "Events and rules"): a run that ends succeeded or failed becomes
 * the event run.succeeded / run.failed, fed into the same rules. Only when a rule names
 * that type (one query per batch otherwise). Idempotent: the event's id is
 * `run.succeeded:<run id>`, unique, and each rule's outcome is recorded once.
 */
export const eventChainConsumer: RunEventConsumer = {
  name: "event-chain",
  async handle(ctx, notices) {
    const ends = notices.filter((n) => (ENDS as readonly string[]).includes(n.toStatus));
    if (ends.length === 0) return;
    const types = new Set(
      (
        await ctx.db
          .selectDistinct({ type: eventRules.eventType })
          .from(eventRules)
          .where(
            and(
              inArray(
                eventRules.eventType,
                ENDS.map((s) => `run.${s}`),
              ),
              eq(eventRules.enabled, true),
            ),
          )
      ).map((r) => r.type),
    );
    for (const notice of ends) {
      const type = `run.${notice.toStatus}`;
      if (types.has(type)) await emit(ctx, notice, type);
    }
  },
};
