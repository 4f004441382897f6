/** OpenAPI paths of the cron schedules part of the API (spread into document.ts). */
import { RUN_STATUSES } from "@/lib/run-status";
import { MISSED_POLICIES } from "@/lib/contract/schedules";
import { problem } from "./problem";

const dateTime = { type: "string", format: "date-time" } as const;
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (schema: string) => ({
  required: true,
  content: { "application/json": { schema: ref(schema) } },
});
const answer = (description: string, schema: string) => ({
  description,
  content: { "application/json": { schema: ref(schema) } },
});

const scheduleId = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string" },
  description: "The schedule's id",
} as const;

const common = {
  "401": problem("No or wrong credentials (carries `WWW-Authenticate: Basic`)"),
  "403": problem(
    "A viewer (read only), or somebody else's schedule without the admin or operator role",
  ),
};

const bodyProblems = {
  "400": problem("Malformed JSON (with line and column)"),
  "413": problem("The body is larger than MAX_BODY_BYTES"),
  "415": problem("The body is not sent as application/json"),
  "422": problem(
    "A bad cron expression (`/cron`, naming the field), an unknown time zone (`/timeZone`), an unknown pipeline or version (`/pipeline`), a config that violates the pipeline's schema (JSON Pointers under `/config`, with lines and columns), or an unknown property",
  ),
};

const fields = {
  name: { type: "string", maxLength: 255, example: "nightly QC" },
  pipeline: {
    type: "string",
    description: "name@1.2.0, name@latest (resolved at each fire) or name@dev",
    example: "hello@latest",
  },
  config: {
    type: "object",
    description: "The config of every run; validated against the pipeline's JSON Schema",
    example: { name: "world" },
  },
  cron: {
    type: "string",
    description:
      "Five fields: minute hour day-of-month month day-of-week (`*`, lists, ranges, steps, jan-dec, sun-sat)",
    example: "0 2 * * 1-5",
  },
  timeZone: {
    type: "string",
    description: "IANA time zone the cron expression is read in",
    default: "UTC",
    example: "Europe/Paris",
  },
  enabled: { type: "boolean", default: true },
  missedPolicy: {
    type: "string",
    enum: MISSED_POLICIES,
    default: "skip",
    description:
      "Fires missed while the beat was down: `skip` drops a fire more than three beat intervals late; `run_once` runs the latest missed fire once",
  },
};

export const schedulePaths = {
  "/api/v1/schedules": {
    get: {
      tags: ["schedules"],
      summary: "List schedules",
      description: "Submitters see their own schedules; other roles see all of them.",
      responses: { "200": answer("The schedules, by name", "ScheduleList"), ...common },
    },
    post: {
      tags: ["schedules"],
      summary: "Create a cron schedule",
      description:
        "The beat submits `config` to `pipeline` as the caller at every fire of `cron` in `timeZone`. Each fire makes exactly one run (trigger `schedule`, label `schedule:<id>`), even with two beats running or a beat restarting.",
      requestBody: jsonBody("CreateScheduleRequest"),
      responses: {
        "201": answer("Created (Location names it)", "Schedule"),
        ...bodyProblems,
        ...common,
      },
    },
  },
  "/api/v1/schedules/{id}": {
    get: {
      tags: ["schedules"],
      summary: "One schedule",
      parameters: [scheduleId],
      responses: {
        "200": answer("The schedule", "Schedule"),
        ...common,
        "404": problem("No such schedule"),
      },
    },
    patch: {
      tags: ["schedules"],
      summary: "Change a schedule (enable, disable, cron, config...)",
      description:
        "Any of the fields; what is sent is checked as on create. A new cron expression or time zone, or enabling, computes the next fire from now; disabling clears it.",
      parameters: [scheduleId],
      requestBody: jsonBody("UpdateScheduleRequest"),
      responses: {
        "200": answer("The changed schedule", "Schedule"),
        ...bodyProblems,
        ...common,
        "404": problem("No such schedule"),
      },
    },
    delete: {
      tags: ["schedules"],
      summary: "Delete a schedule",
      description: "It never fires again; the runs it made stay.",
      parameters: [scheduleId],
      responses: {
        "204": { description: "Deleted" },
        ...common,
        "404": problem("No such schedule"),
      },
    },
  },
} as const;

export const scheduleSchemas = {
  CreateScheduleRequest: {
    type: "object",
    required: ["name", "pipeline", "config", "cron"],
    additionalProperties: false,
    properties: fields,
    example: {
      name: "nightly hello",
      pipeline: "hello@latest",
      config: { name: "world" },
      cron: "0 2 * * 1-5",
      timeZone: "Europe/Paris",
      missedPolicy: "skip",
    },
  },
  UpdateScheduleRequest: {
    type: "object",
    additionalProperties: false,
    properties: fields,
    example: { enabled: false },
  },
  Schedule: {
    type: "object",
    properties: {
      id: { type: "string" },
      ...fields,
      owner: { type: "string", description: "The user the runs are submitted as" },
      description: {
        type: "string",
        description: "The cron expression in words",
        example: "at 02:00 on Monday to Friday",
      },
      nextFireAt: nullable(dateTime),
      lastFireAt: nullable(dateTime),
      lastRun: nullable({
        type: "object",
        properties: {
          id: { type: "string" },
          status: { type: "string", enum: RUN_STATUSES },
          links: {
            type: "object",
            properties: { self: { type: "string" }, web: { type: "string" } },
          },
        },
      }),
      lastError: nullable({
        type: "string",
        description:
          "Why the latest fire made no run: the pipeline is gone, the config no longer validates, the owner may no longer submit, or the fire was skipped as late",
      }),
      createdAt: dateTime,
      updatedAt: nullable(dateTime),
      links: {
        type: "object",
        properties: {
          self: { type: "string" },
          runs: { type: "string", description: "Its runs: GET /api/v1/runs?label=schedule:<id>" },
        },
      },
    },
  },
  ScheduleList: {
    type: "object",
    properties: { items: { type: "array", items: ref("Schedule") } },
  },
} as const;
