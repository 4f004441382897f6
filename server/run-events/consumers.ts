import { emailConsumer } from "../notifications/email-consumer";
import { eventChainConsumer } from "../events/event-chain";
import type { RunEventConsumer } from "./follow-run-events";
import { webhookConsumer } from "../webhooks/webhook-consumer";

/**
 * The consumers of run events that the active beat feeds (worker/run-event-loop.ts).
 * A new one is one line here; its cursor starts at the events after its first drain.
 */
export const RUN_EVENT_CONSUMERS: readonly RunEventConsumer[] = [
  emailConsumer,
  webhookConsumer,
  eventChainConsumer,
];
