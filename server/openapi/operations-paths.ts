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

export const operationsSchemas = {} as const;
