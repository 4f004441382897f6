/** Component schemas of the OpenAPI document (kept beside the document, checked by a test). */
import { RUN_STATUSES, RUN_TRIGGERS } from "@/lib/run-status";

const dateTime = { type: "string", format: "date-time" } as const;
const nullable = (schema: object) => ({ anyOf: [schema, { type: "null" }] });

export const schemas = {
  Problem: {
    type: "object",
    description:
      "RFC 9457 problem details. `errors` locates each problem in the submitted document.",
    required: ["type", "title", "status", "detail", "code"],
    properties: {
      type: { type: "string", example: "urn:runport:problem:validation-failed" },
      title: { type: "string", example: "Validation failed" },
      status: { type: "integer", example: 422 },
      detail: {
        type: "string",
        example: "The config does not match the schema of fastq-qc@1.0.0: 1 problem",
      },
      code: {
        type: "string",
        enum: [
          "BAD_REQUEST",
          "INVALID_JSON",
          "UNAUTHORIZED",
          "FORBIDDEN",
          "NOT_FOUND",
          "CONFLICT",
          "PAYLOAD_TOO_LARGE",
          "UNSUPPORTED_MEDIA_TYPE",
          "VALIDATION_FAILED",
          "UNKNOWN_PIPELINE",
          "SERVICE_UNAVAILABLE",
          "INTERNAL",
        ],
      },
      errors: {
        type: "array",
        items: {
          type: "object",
          required: ["path", "message"],
          properties: {
            path: {
              type: "string",
              description: "JSON Pointer into the submitted document",
              example: "/dataFiles/0/fastqCode",
            },
            message: { type: "string", example: 'must be one of "R1", "R2"' },
            line: {
              type: "integer",
              description: "1-based line in the submitted text",
              example: 12,
            },
            column: {
              type: "integer",
              description: "1-based column in the submitted text",
              example: 21,
            },
            sheet: { type: "string", description: "Workbook submissions: the sheet" },
            cell: { type: "string", description: "Workbook submissions: the cell, e.g. C4" },
          },
        },
      },
    },
  },
  CreateRunRequest: {
    type: "object",
    required: ["pipeline", "config"],
    properties: {
      pipeline: {
        type: "string",
        description: "name, name@latest, name@dev or name@1.2.0",
        example: "hello@1.0.0",
      },
      config: {
        type: "object",
        description: "The run's config; validated against the pipeline version's JSON Schema",
      },
      name: nullable({ type: "string", maxLength: 255 }),
      labels: {
        type: "object",
        additionalProperties: { type: "string", maxLength: 255 },
        maxProperties: 50,
      },
      hold: {
        type: "boolean",
        description: "Store as `held`: it waits for a release instead of running",
      },
      priority: { type: "integer", minimum: 0, maximum: 100, description: "Higher runs sooner" },
    },
    example: {
      pipeline: "hello@1.0.0",
      name: "first run",
      labels: { team: "qc" },
      config: { name: "world" },
    },
  },
  LegacyRunRequest: {
    type: "object",
    description:
      "The old portal's body: the config itself. `pipeline` names the pipeline (name@version); `project` becomes the run's name. Everything is validated against the pipeline's schema.",
    required: ["pipeline"],
    properties: {
      pipeline: { type: "string", example: "fastq-qc@1.0.0" },
      project: { type: "string" },
    },
    additionalProperties: true,
  },
  Run: {
    type: "object",
    properties: {
      id: { type: "string", example: "01m87ckxvcds6fp772khzjgxz4" },
      pipeline: { type: "string", example: "fastq-qc@1.0.0" },
      pipelineName: { type: "string" },
      pipelineVersion: { type: "string" },
      name: nullable({ type: "string" }),
      labels: { type: "object", additionalProperties: { type: "string" } },
      status: { type: "string", enum: [...RUN_STATUSES] },
      state: {
        type: "string",
        description: "GA4GH WES state",
        enum: [
          "QUEUED",
          "PAUSED",
          "RUNNING",
          "CANCELING",
          "COMPLETE",
          "EXECUTOR_ERROR",
          "SYSTEM_ERROR",
          "CANCELED",
        ],
      },
      trigger: { type: "string", enum: [...RUN_TRIGGERS] },
      submitter: { type: "string" },
      priority: { type: "integer" },
      attempt: { type: "integer", description: "Attempts started so far" },
      maxAttempts: { type: "integer" },
      progress: nullable({
        type: "object",
        properties: {
          percent: nullable({ type: "number" }),
          message: nullable({ type: "string" }),
        },
      }),
      exitCode: nullable({ type: "integer" }),
      error: nullable({ type: "string", description: "Why the run failed or errored" }),
      logBytes: { type: "integer" },
      retryOf: nullable({ type: "string" }),
      createdAt: dateTime,
      queuedAt: nullable(dateTime),
      startedAt: nullable(dateTime),
      finishedAt: nullable(dateTime),
      links: {
        type: "object",
        properties: {
          self: { type: "string" },
          logs: { type: "string" },
          cancel: { type: "string" },
          web: { type: "string" },
        },
      },
      config: { description: "Only in GET /runs/{id}: the config as submitted" },
      events: {
        type: "array",
        description: "Only in GET /runs/{id}: every status transition",
        items: {
          type: "object",
          properties: {
            at: dateTime,
            attempt: { type: "integer" },
            from: nullable({ type: "string" }),
            to: { type: "string" },
            message: nullable({ type: "string" }),
          },
        },
      },
      attempts: {
        type: "array",
        description: "Only in GET /runs/{id}: where each attempt ran and how it ended",
        items: {
          type: "object",
          properties: {
            attempt: { type: "integer" },
            host: { type: "string" },
            pid: nullable({ type: "integer" }),
            startedAt: dateTime,
            finishedAt: nullable(dateTime),
            exitCode: nullable({ type: "integer" }),
            signal: nullable({ type: "string" }),
            outcome: nullable({ type: "string" }),
            error: nullable({ type: "string" }),
          },
        },
      },
    },
  },
  RunList: {
    type: "object",
    properties: {
      items: { type: "array", items: { $ref: "#/components/schemas/Run" } },
      nextCursor: nullable({ type: "string" }),
      total: { type: "integer", description: "Runs matching the filters" },
    },
  },
  Pipeline: {
    type: "object",
    properties: {
      name: { type: "string" },
      title: { type: "string" },
      description: { type: "string" },
      latest: nullable({ type: "string" }),
      versions: {
        type: "array",
        items: {
          type: "object",
          properties: {
            version: { type: "string" },
            isDev: { type: "boolean" },
            title: { type: "string" },
            updatedAt: dateTime,
          },
        },
      },
    },
  },
  PipelineDetail: {
    allOf: [
      { $ref: "#/components/schemas/Pipeline" },
      {
        type: "object",
        properties: {
          version: { type: "string" },
          isDev: { type: "boolean" },
          schema: { type: "object", description: "The JSON Schema of the config" },
          example: { description: "An example config" },
          timeoutSeconds: { type: "integer" },
          maxAttempts: { type: "integer" },
        },
      },
    ],
  },
  ApiToken: {
    type: "object",
    required: ["id", "name", "prefix", "createdAt", "status"],
    properties: {
      id: { type: "integer" },
      name: { type: "string", example: "cluster scripts" },
      prefix: { type: "string", description: "The token's first characters", example: "rp_x7Kq2b" },
      createdAt: dateTime,
      lastUsedAt: nullable({ ...dateTime, description: "Updated at most every five minutes" }),
      expiresAt: nullable(dateTime),
      revokedAt: nullable(dateTime),
      status: { type: "string", enum: ["active", "expired", "revoked"] },
    },
  },
  ApiTokenList: {
    type: "object",
    properties: { items: { type: "array", items: { $ref: "#/components/schemas/ApiToken" } } },
  },
  CreateApiTokenRequest: {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: {
      name: {
        type: "string",
        minLength: 1,
        maxLength: 100,
        description: "Where the token is used",
        example: "cluster scripts",
      },
      expiresInDays: nullable({
        type: "integer",
        minimum: 1,
        maximum: 3650,
        description: "Absent or null: never expires",
      }),
    },
  },
  CreatedApiToken: {
    type: "object",
    required: ["id", "name", "token", "prefix", "createdAt", "expiresAt"],
    properties: {
      id: { type: "integer" },
      name: { type: "string" },
      token: {
        type: "string",
        description: "The token: shown only in this answer",
        example: "rp_x7Kq2bY0cVtq1mZ8n3dE5fGhJkLpQrStUvWxYz01234",
      },
      prefix: { type: "string", example: "rp_x7Kq2b" },
      createdAt: dateTime,
      expiresAt: nullable(dateTime),
    },
  },
  ChangePasswordRequest: {
    type: "object",
    required: ["currentPassword", "newPassword"],
    additionalProperties: false,
    properties: {
      currentPassword: { type: "string" },
      newPassword: {
        type: "string",
        minLength: 10,
        maxLength: 1024,
        description: "At least 10 characters, not the current password",
      },
    },
  },
  Health: {
    type: "object",
    properties: {
      status: { type: "string", enum: ["ok", "degraded", "down"] },
      database: { type: "object" },
      redis: { type: "object" },
      workers: {
        type: "object",
        properties: {
          count: { type: "integer" },
          items: { type: "array", items: { type: "object" } },
        },
      },
      beat: { type: "object", properties: { active: { type: "boolean" } } },
    },
  },
} as const;
