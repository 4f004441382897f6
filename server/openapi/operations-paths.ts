/** OpenAPI paths of the run lifecycle and operations parts of the API (spread into document.ts). */
import { problem } from "./problem";

const runId = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string" },
  description: "The run's id",
} as const;

export const operationsPaths = {
  "/api/v1/operations": {
    get: {
      tags: ["system"],
      summary: "The platform at a glance (administrators)",
      description:
        "Live workers and what they run, the active beat, queue counts in Redis, runs by status in MySQL, finished runs per hour by outcome over the last 24 hours, and whether intake is paused.",
      responses: {
        "200": {
          description: "The operations view",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Operations" } } },
        },
        "401": problem("No or wrong credentials"),
        "403": problem("Not an administrator"),
      },
    },
  },
  "/api/v1/operations/intake": {
    post: {
      tags: ["system"],
      summary: "Pause or resume intake (administrators)",
      description:
        '`{"paused": true}`: workers finish what they run and start nothing new; submissions are still accepted and wait as queued. Recorded in MySQL and re-applied by the beat, so it survives a Redis restart.',
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: "#/components/schemas/Intake" } } },
      },
      responses: {
        "200": {
          description: "The new state",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Intake" } } },
        },
        "401": problem("No or wrong credentials"),
        "403": problem("Not an administrator"),
        "422": problem('The body is not {"paused": boolean}'),
      },
    },
  },
  "/api/v1/runs/{id}/retry": {
    post: {
      tags: ["runs"],
      summary: "Re-run a finished run",
      description:
        "A new run of the same pipeline version with the same config, name, labels and priority, submitted by the caller and linked to the old one (`retryOf`). Platform errors are retried automatically as new attempts of the same run; this is for a person deciding to run it again.",
      parameters: [runId],
      responses: {
        "201": {
          description: "Created (Location names it)",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Run" } } },
        },
        "401": problem("No or wrong credentials"),
        "403": problem("A viewer, or somebody else's run without the operator role"),
        "404": problem("No such run"),
        "409": problem("The run has not finished yet"),
        "422": problem("Its pipeline version is no longer registered"),
      },
    },
  },
} as const;

export const operationsSchemas = {
  Operations: {
    type: "object",
    description:
      "workers (id, host, pid, concurrency, running run ids, startedAt, lastHeartbeat), beat (or null), queue counts in Redis (or null), runs by status in MySQL, perHour (24 hourly buckets of finished runs by outcome), intake {paused, by, at}",
  },
  Intake: {
    type: "object",
    required: ["paused"],
    properties: {
      paused: { type: "boolean" },
      by: { type: ["string", "null"] },
      at: { type: ["string", "null"], format: "date-time" },
    },
  },
} as const;
