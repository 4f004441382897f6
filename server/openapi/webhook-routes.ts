/** The webhooks' rows of the route table (./routes.ts), in /apidocs order. */
import { z } from "zod";
import {
  ZCreatedWebhook,
  ZCreateWebhookRequest,
  ZWebhookDeliveryList,
  ZWebhookDeliveryView,
  ZWebhookList,
} from "@/lib/contract/webhooks";
import { answer, problem, type RouteSpec } from "./route-spec";

const webhookId = z.object({
  id: z.coerce.number().int().meta({ description: "The webhook's id" }),
});
const forbidden = problem("Authenticated, but the role does not allow it");
const noWebhook = problem("You have no webhook with this id");
const verify =
  "Each message is a POST signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`); see docs/API.md for the payloads and how to verify them.";

export const webhookRoutes: RouteSpec[] = [
  {
    method: "get",
    path: "/api/v1/webhooks",
    tag: "account",
    summary: "List your webhooks",
    description:
      "The caller's webhook endpoints, newest first, disabled ones included. Never the secret.",
    responses: { "200": answer("Your webhooks", ZWebhookList), "403": forbidden },
  },
  {
    method: "post",
    path: "/api/v1/webhooks",
    tag: "account",
    summary: "Create a webhook (its secret is shown once)",
    description: `Run events (\`run.queued\`, \`run.started\`, \`run.succeeded\`, \`run.failed\`, \`run.error\`, \`run.cancelled\`) of your runs, optionally only some pipelines' (administrators: \`allUsers\` for everyone's), are POSTed to \`url\` from the workers, retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (±20 %); a 410 answer disables the webhook. Loopback, private and link-local targets are refused unless their host is on WEBHOOK_ALLOWED_HOSTS. ${verify}`,
    body: { json: ZCreateWebhookRequest },
    responses: {
      "201": answer("Created: the webhook and its secret, shown only this once", ZCreatedWebhook),
      "400": problem("Malformed JSON (with line and column)"),
      "403": problem("`allUsers` without the admin role, or a role that cannot submit runs"),
      "409": problem("You have 20 webhooks already"),
      "413": problem("The body is larger than 16 KiB"),
      "415": problem("The body is not sent as application/json"),
      "422": problem(
        "A bad or private URL (`/url`), an unknown event type (`/events/0`), or an unknown property (JSON Pointers)",
      ),
    },
  },
  {
    method: "delete",
    path: "/api/v1/webhooks/{id}",
    tag: "account",
    summary: "Delete one of your webhooks",
    description: "Nothing more is sent to it; its delivery log goes with it.",
    params: webhookId,
    responses: { "204": { description: "Deleted" }, "403": forbidden, "404": noWebhook },
  },
  {
    method: "get",
    path: "/api/v1/webhooks/{id}/deliveries",
    tag: "account",
    summary: "A webhook's delivery log",
    description:
      "The newest 100 deliveries: event, state (`pending`, `succeeded`, `failed`), attempts, the last answer's status and time, the next attempt.",
    params: webhookId,
    responses: {
      "200": answer("The deliveries, newest first", ZWebhookDeliveryList),
      "403": forbidden,
      "404": noWebhook,
    },
  },
  {
    method: "post",
    path: "/api/v1/webhooks/{id}/test",
    tag: "account",
    summary: "Send a test event",
    description:
      "Queues a `webhook.test` message, sent by a worker within about a second and logged like any delivery.",
    params: webhookId,
    responses: {
      "202": answer("Queued", ZWebhookDeliveryView),
      "403": forbidden,
      "404": noWebhook,
      "409": problem("The webhook is disabled"),
    },
  },
  {
    method: "post",
    path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    tag: "account",
    summary: "Send a delivery again",
    description:
      "Sends it again now with the same `webhook-id` (a receiver that has it may ignore it) and a fresh schedule of retries.",
    params: webhookId.extend({
      deliveryId: z.coerce.number().int().meta({ description: "The delivery's id" }),
    }),
    responses: {
      "202": answer("Queued again", ZWebhookDeliveryView),
      "403": forbidden,
      "404": problem("No such webhook or delivery"),
      "409": problem("The webhook is disabled, or the delivery is being sent right now"),
    },
  },
];
