/** The webhooks part of the HTTP contract (Standard Webhooks endpoints and their deliveries). */
import { z } from "zod";
import { zDateTime, zList } from "./common";

export const WEBHOOK_EVENTS = [
  "run.queued",
  "run.started",
  "run.succeeded",
  "run.failed",
  "run.error",
  "run.cancelled",
] as const;
export const ZWebhookEvent = z.enum(WEBHOOK_EVENTS);

/** Body of `POST /api/v1/webhooks`. */
export const ZCreateWebhookRequest = z.strictObject({
  url: z
    .string({ error: "is required: the http(s) URL to POST events to" })
    .trim()
    .max(2000, "must be at most 2000 characters")
    .meta({ examples: ["https://ci.example.org/hooks/runport"] }),
  description: z.string().trim().max(200, "must be at most 200 characters").default(""),
  events: z
    .array(ZWebhookEvent, { error: "must be a list of event types" })
    .min(1, "must name at least one event type")
    .default([...WEBHOOK_EVENTS])
    .meta({ description: "The event types to send (default: all)" }),
  pipelines: z
    .array(z.string().min(1).max(100), { error: "must be a list of pipeline names" })
    .min(1, "must name at least one pipeline, or be null for all")
    .max(100, "must name at most 100 pipelines")
    .nullish()
    .meta({ description: "Only these pipelines' runs (null or absent: every pipeline)" }),
  allUsers: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .meta({ description: "Everyone's runs, not only yours (administrators only)" }),
});
export type TCreateWebhookRequest = z.input<typeof ZCreateWebhookRequest>;

/** An endpoint as the API lists it: never its secret. */
export const ZWebhookView = z.object({
  id: z.number().int(),
  url: z.string(),
  description: z.string(),
  events: z.array(ZWebhookEvent),
  pipelines: z.array(z.string()).nullable(),
  allUsers: z.boolean(),
  createdAt: zDateTime(),
  disabledAt: zDateTime().nullable(),
  disabledReason: z.string().nullable(),
});
export type WebhookView = z.infer<typeof ZWebhookView>;
export const ZWebhookList = zList(ZWebhookView);
export type WebhookList = z.infer<typeof ZWebhookList>;

/** The answer of POST /api/v1/webhooks: the only time `secret` is shown. */
export const ZCreatedWebhook = ZWebhookView.extend({
  secret: z.string().meta({
    description: "The signing secret (Standard Webhooks `whsec_…`): shown only in this answer",
    examples: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
  }),
});
export type CreatedWebhook = z.infer<typeof ZCreatedWebhook>;

/** pending: waiting for its next attempt; succeeded: a 2xx answer; failed: no attempt left. */
export const ZWebhookDeliveryState = z.enum(["pending", "succeeded", "failed"]);

export const ZWebhookDeliveryView = z.object({
  id: z.number().int(),
  messageId: z.string().meta({ description: "The `webhook-id` header, the same on every attempt" }),
  eventType: z.string().meta({ examples: ["run.succeeded", "webhook.test"] }),
  runId: z.string().nullable().meta({ description: "The run's id (null for a test event)" }),
  state: ZWebhookDeliveryState,
  attempts: z.number().int(),
  nextAttemptAt: zDateTime().nullable(),
  lastAttemptAt: zDateTime().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastResponseMs: z.number().int().nullable(),
  createdAt: zDateTime(),
});
export type WebhookDeliveryView = z.infer<typeof ZWebhookDeliveryView>;
export const ZWebhookDeliveryList = zList(ZWebhookDeliveryView);
export type WebhookDeliveryList = z.infer<typeof ZWebhookDeliveryList>;
