/** The events and rules part of the HTTP contract (docs/API.md "Events and rules"). */
import { z } from "zod";
import { RUN_STATUSES } from "../run-status";
import { zDateTime, zList } from "./common";

/** Event ids and types: letters, digits and `. _ : -` (they appear in URLs and labels). */
const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
const pointer = z
  .string({ error: "is required: a JSON Pointer into the event, such as /payload/run" })
  .max(200, "must be at most 200 characters")
  .regex(/^(\/([^~]|~[01])*)+$/, "must be a JSON Pointer such as /payload/run");

export const ZEventType = z
  .string({ error: "is required: the event type, such as sequencing_run_finished" })
  .min(1, "is required: the event type, such as sequencing_run_finished")
  .max(100, "must be at most 100 characters")
  .regex(ID_PATTERN, "may hold letters, digits and . _ : - only");

/** Body of `POST /api/v1/events`. */
export const ZEventRequest = z
  .strictObject({
    // run.succeeded / run.failed come from Runport alone (the event chain): a posted one
    // would fire chaining rules with a forged run and outputs, at depth 0.
    type: ZEventType.refine(
      (type) => !type.startsWith("run."),
      'must not start with "run." (Runport\'s own events: they come from its runs only)',
    ),
    id: z
      .string({ error: "is required: the event's own id (the same id twice starts nothing new)" })
      .min(1, "is required: the event's own id")
      .max(200, "must be at most 200 characters")
      .regex(ID_PATTERN, "may hold letters, digits and . _ : - only")
      .refine((id) => !id.startsWith("run."), 'must not start with "run." (Runport\'s own events)'),
    payload: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).default({}),
  })
  .meta({
    examples: [
      {
        type: "sequencing_run_finished",
        id: "seq-2026-12-07-0042",
        payload: { run: "0042", reads: "/data/0042/reads.fastq" },
      },
    ],
  });
export type TEventRequest = z.input<typeof ZEventRequest>;

/** One condition on the event: the value at `pointer` equals, is one of, or matches. */
export const ZEventCondition = z.union([
  z.strictObject({ pointer, equals: z.unknown() }),
  z.strictObject({ pointer, in: z.array(z.unknown()).min(1).max(100) }),
  z.strictObject({
    pointer,
    matches: z
      .string()
      .min(1)
      .max(200, "must be at most 200 characters")
      .meta({ description: "A regular expression the value (a string) must match" }),
  }),
]);
export type EventCondition = z.infer<typeof ZEventCondition>;

const ruleFields = {
  name: z
    .string({ error: "is required: a name for the rule" })
    .trim()
    .min(1, "is required: a name for the rule")
    .max(255, "must be at most 255 characters"),
  eventType: ZEventType.meta({
    description:
      "The event type it answers; `run.succeeded` and `run.failed` are emitted by Runport when a run ends",
  }),
  filter: z
    .array(ZEventCondition)
    .max(20, "at most 20 conditions")
    .meta({ description: "Conditions that must all hold; empty: every event of the type" }),
  pipeline: z
    .string({ error: "is required: the pipeline as name@version or name@latest" })
    .min(1, "is required: the pipeline as name@version or name@latest")
    .max(200),
  configTemplate: z.record(z.string(), z.unknown(), { error: "must be a JSON object" }).meta({
    description:
      "The config of the run: a JSON object whose string values may hold `{{ /payload/pointer }}`. A value that is one substitution takes the JSON value there (number, object...); inside longer text, a string, number or boolean is written in. Nothing else is evaluated.",
  }),
  submitAs: z
    .string({ error: "is required: the user the runs are submitted as" })
    .min(1)
    .max(64)
    .meta({ description: "The username the runs are submitted as (must be able to submit)" }),
  enabled: z.boolean({ error: "must be true or false" }),
};

/** Body of `POST /api/v1/event-rules`. */
export const ZCreateEventRuleRequest = z
  .strictObject({
    ...ruleFields,
    filter: ruleFields.filter.default([]),
    enabled: ruleFields.enabled.default(true),
  })
  .meta({
    examples: [
      {
        name: "QC each sequencing run",
        eventType: "sequencing_run_finished",
        filter: [{ pointer: "/payload/platform", in: ["novaseq", "miseq"] }],
        pipeline: "hello@latest",
        configTemplate: { name: "{{ /payload/run }}", greeting: "Run" },
        submitAs: "pipelines",
      },
    ],
  });

/** Query of `GET /api/v1/events`. */
export const ZListEventsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(100),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "must be the nextCursor of the previous page")
    .optional()
    .meta({ description: "nextCursor of the previous page" }),
});
export type TListEventsQuery = z.infer<typeof ZListEventsQuery>;

/** Body of `PATCH /api/v1/event-rules/{id}`: any of the fields. */
export const ZUpdateEventRuleRequest = z
  .strictObject(ruleFields)
  .partial()
  .meta({ examples: [{ enabled: false }] });

export const ZEventRuleView = z.object({
  id: z.string(),
  name: z.string(),
  eventType: z.string(),
  filter: z.array(ZEventCondition),
  pipeline: z.string(),
  configTemplate: z.record(z.string(), z.unknown()),
  submitAs: z.string(),
  enabled: z.boolean(),
  createdAt: zDateTime(),
  updatedAt: zDateTime().nullable(),
  links: z.object({ self: z.string() }),
});
export type EventRuleView = z.infer<typeof ZEventRuleView>;
export const ZEventRuleList = zList(ZEventRuleView);
export type EventRuleList = z.infer<typeof ZEventRuleList>;

/** What one matching rule did: its run, or why it made none. */
export const ZEventOutcome = z.object({
  rule: z.string().meta({ description: "The rule's id" }),
  ruleName: z.string().nullable().meta({ description: "null when the rule was deleted since" }),
  run: z
    .object({
      id: z.string(),
      status: z.enum(RUN_STATUSES),
      links: z.object({ self: z.string(), web: z.string() }),
    })
    .nullable(),
  error: z.string().nullable().meta({
    description:
      "Why no run: the payload made a config the pipeline's schema refuses, a substitution found nothing, the user may not submit...",
  }),
});

export const ZEventView = z.object({
  id: z.string(),
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  depth: z.number().int().meta({
    description:
      "0 for posted events; a run's run.succeeded/run.failed is one deeper than the event that started it",
  }),
  sourceRun: z.string().nullable().meta({ description: "The run whose end emitted it" }),
  error: z.string().nullable().meta({ description: "Why no rule was tried (the loop guard)" }),
  receivedAt: zDateTime(),
  processedAt: zDateTime().nullable(),
  runs: z.array(ZEventOutcome).meta({ description: "One per matching rule" }),
  links: z.object({ self: z.string(), web: z.string() }),
});
export type EventView = z.infer<typeof ZEventView>;
/** A page of `GET /api/v1/events`, newest first. */
export const ZEventList = z.object({
  items: z.array(ZEventView),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: "Pass as `cursor` for the next (older) page; null on the last page" }),
});
export type EventList = z.infer<typeof ZEventList>;
