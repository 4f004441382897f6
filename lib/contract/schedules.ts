/** The schedules part of the HTTP contract. */
import { z } from "zod";
import { RUN_STATUSES } from "../run-status";
import { zDateTime, zList } from "./common";

/** What the beat does with fires it missed (beat down, schedule just re-enabled...). */
export const MISSED_POLICIES = ["skip", "run_once"] as const;

const fields = {
  name: z
    .string({ error: "is required: a name for the schedule" })
    .trim()
    .min(1, "is required: a name for the schedule")
    .max(255, "must be at most 255 characters")
    .meta({ examples: ["nightly QC"] }),
  pipeline: z
    .string({ error: "is required: the pipeline as name@version or name@latest" })
    .min(1, "is required: the pipeline as name@version or name@latest")
    .max(200)
    .meta({
      description: "name@1.2.0, name@latest (resolved at each fire) or name@dev",
      examples: ["hello@latest"],
    }),
  config: z
    .record(z.string(), z.unknown(), {
      error: (issue) =>
        issue.input === undefined
          ? "is required: the config of every run, a JSON object"
          : "must be a JSON object",
    })
    .meta({ description: "The config of every run; validated against the pipeline's JSON Schema" }),
  cron: z
    .string({ error: "is required: a cron expression such as 0 9 * * 1-5" })
    .max(120, "must be at most 120 characters")
    .meta({
      description:
        "Five fields: minute hour day-of-month month day-of-week (`*`, lists, ranges, steps, jan-dec, sun-sat)",
      examples: ["0 2 * * 1-5"],
    }),
  timeZone: z
    .string({ error: "must be a time zone name such as Europe/Paris" })
    .min(1, "must be a time zone name such as Europe/Paris")
    .max(64, "must be at most 64 characters")
    .meta({
      description: "IANA time zone the cron expression is read in",
      examples: ["Europe/Paris"],
    }),
  enabled: z.boolean({ error: "must be true or false" }),
  missedPolicy: z.enum(MISSED_POLICIES, { error: 'must be "skip" or "run_once"' }).meta({
    description:
      "Fires missed while the beat was down: `skip` drops a fire more than three beat intervals late; `run_once` runs the latest missed fire once",
  }),
};

/** Body of `POST /api/v1/schedules`. Unknown keys are errors. */
export const ZCreateScheduleRequest = z
  .strictObject({
    ...fields,
    timeZone: fields.timeZone.default("UTC"),
    enabled: fields.enabled.default(true),
    missedPolicy: fields.missedPolicy.default("skip"),
  })
  .meta({
    examples: [
      {
        name: "nightly hello",
        pipeline: "hello@latest",
        config: { name: "world" },
        cron: "0 2 * * 1-5",
        timeZone: "Europe/Paris",
        missedPolicy: "skip",
      },
    ],
  });

/** Body of `PATCH /api/v1/schedules/{id}`: any of the fields. */
export const ZUpdateScheduleRequest = z
  .strictObject(fields)
  .partial()
  .meta({ examples: [{ enabled: false }] });

/** A cron schedule as the API returns it. */
export const ZScheduleView = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string().meta({ description: "The user the runs are submitted as" }),
  pipeline: z
    .string()
    .meta({ description: "name@version, name@latest or name@dev, resolved at each fire" }),
  config: z.unknown(),
  cron: z.string(),
  description: z.string().meta({
    description: "The cron expression in words",
    examples: ["at 02:00 on Monday to Friday"],
  }),
  timeZone: z.string(),
  enabled: z.boolean(),
  missedPolicy: z.enum(MISSED_POLICIES),
  nextFireAt: zDateTime().nullable(),
  lastFireAt: zDateTime().nullable(),
  lastRun: z
    .object({
      id: z.string(),
      status: z.enum(RUN_STATUSES),
      links: z.object({ self: z.string(), web: z.string() }),
    })
    .nullable(),
  lastError: z.string().nullable().meta({
    description:
      "Why the latest fire made no run: the pipeline is gone, the config no longer validates, the owner may no longer submit, or the fire was skipped as late",
  }),
  createdAt: zDateTime(),
  updatedAt: zDateTime().nullable(),
  links: z.object({
    self: z.string(),
    runs: z.string().meta({ description: "Its runs: GET /api/v1/runs?label=schedule:<id>" }),
  }),
});
export type ScheduleView = z.infer<typeof ZScheduleView>;

export const ZScheduleList = zList(ZScheduleView);
export type ScheduleList = z.infer<typeof ZScheduleList>;
