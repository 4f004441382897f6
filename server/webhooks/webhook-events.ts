import { randomBytes } from "node:crypto";
import type { RunStatus } from "@/lib/run-status";
import type { RunEventNotice } from "../run-events/follow-run-events";

/** The run statuses that are webhook events, and their names. */
const EVENT_OF: Partial<Record<RunStatus, string>> = {
  queued: "run.queued",
  running: "run.started",
  succeeded: "run.succeeded",
  failed: "run.failed",
  error: "run.error",
  cancelled: "run.cancelled",
};

export const WEBHOOK_EVENT_TYPES = [
  "run.queued",
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.error",
  "run.cancelled",
] as const;

export function webhookEventOf(status: RunStatus): string | null {
  return EVENT_OF[status] ?? null;
}

/** A `webhook-id`: unique per message, the same on every attempt. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}

/** The body sent for a run event (docs/API.md, "Webhooks"). */
export function runEventPayload(
  type: string,
  event: RunEventNotice,
  publicUrl: string | undefined,
): Record<string, unknown> {
  const path = `/runs/${event.publicId}`;
  return {
    type,
    timestamp: event.createdAt.toISOString(),
    data: {
      id: event.publicId,
      pipeline: event.pipelineName,
      pipelineVersion: event.pipelineVersion,
      name: event.runName,
      attempt: event.attempt,
      status: event.toStatus,
      previousStatus: event.fromStatus,
      message: event.message,
      url: publicUrl ? new URL(path, publicUrl).toString() : path,
    },
  };
}
