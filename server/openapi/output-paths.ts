/** OpenAPI paths of a run's outputs (spread into document.ts). */
import { problem } from "./problem";

const runId = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string" },
  description: "The run's id",
} as const;

const common = {
  "401": problem("No or wrong credentials (carries `WWW-Authenticate: Basic`)"),
  "403": problem("Somebody else's run, and the role does not widen access"),
};

export const outputPaths = {
  "/api/v1/runs/{id}/outputs": {
    get: {
      tags: ["runs"],
      summary: "The files the run left in its outputs folder",
      description:
        "Every regular file a pipeline wrote below `$RUNPORT_OUTPUTS_DIR`, recorded when its attempt ended: path (relative, `/`-separated), size and SHA-256. Symbolic links are not followed and not listed. Content is stored for files up to OUTPUT_STORE_MAX_BYTES (16 MiB by default) while the attempt's stored total stays within OUTPUT_STORE_RUN_MAX_BYTES (64 MiB); larger files are listed with `stored: false` and `download: null`. Newest attempt first, then by path; at most 1000 files per attempt. `curl --user USER:TOKEN https://runport.example/api/v1/runs/RUN_ID/outputs`",
      parameters: [
        runId,
        {
          name: "attempt",
          in: "query",
          schema: { type: "integer", minimum: 1 },
          description: "Only this attempt's outputs",
        },
      ],
      responses: {
        "200": {
          description: "The outputs",
          content: {
            "application/json": { schema: { $ref: "#/components/schemas/OutputList" } },
          },
        },
        "400": problem("A bad `attempt`"),
        ...common,
        "404": problem("No such run"),
      },
    },
  },
  "/api/v1/runs/{id}/outputs/{outputId}": {
    get: {
      tags: ["runs"],
      summary: "Download one output file",
      description:
        "The stored content, streamed as `application/octet-stream` with `Content-Disposition: attachment` (the file's name; `filename*` carries it exactly), `Content-Length`, `X-Content-Type-Options: nosniff` and the SHA-256 as the `ETag` (`If-None-Match` gives a 304). `curl --user USER:TOKEN -OJ https://runport.example/api/v1/runs/RUN_ID/outputs/42`",
      parameters: [
        runId,
        {
          name: "outputId",
          in: "path",
          required: true,
          schema: { type: "integer" },
          description: "The output's `id` from the list",
        },
      ],
      responses: {
        "200": {
          description: "The file's content",
          headers: {
            ETag: { schema: { type: "string" }, description: "The SHA-256, quoted" },
            "Content-Disposition": { schema: { type: "string" } },
          },
          content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
        },
        "304": { description: "The ETag named in If-None-Match is current" },
        ...common,
        "404": problem(
          "No such run, no output with this id in this run, or its content is not kept (over the store limits, or removed by retention: size and SHA-256 only)",
        ),
      },
    },
  },
} as const;

export const outputSchemas = {
  Output: {
    type: "object",
    required: ["id", "attempt", "path", "size", "sha256", "stored", "createdAt", "download"],
    properties: {
      id: { type: "integer" },
      attempt: { type: "integer", minimum: 1 },
      path: {
        type: "string",
        maxLength: 512,
        description: "Relative to the outputs folder, `/`-separated",
        examples: ["qc.json", "plots/gc.svg"],
      },
      size: { type: "integer", minimum: 0, description: "Bytes" },
      sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
      stored: {
        type: "boolean",
        description: "Whether the content can be downloaded (false: over the store limits)",
      },
      createdAt: { type: "string", format: "date-time" },
      download: {
        anyOf: [{ type: "string" }, { type: "null" }],
        description: "The download URL path; null when the content was not stored",
        examples: ["/api/v1/runs/01j9z3k5m8q2w4e6r8t0y2u4i6/outputs/42"],
      },
    },
  },
  OutputList: {
    type: "object",
    required: ["items"],
    properties: { items: { type: "array", items: { $ref: "#/components/schemas/Output" } } },
  },
} as const;
