import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { ZCreateRunRequest, ZLegacyRunRequest } from "@/lib/contract/runs";
import { ZCreateScheduleRequest, ZUpdateScheduleRequest } from "@/lib/contract/schedules";
import { ZCreateUserRequest, ZUpdateUserRequest } from "@/lib/contract/users";
import { ZChangePasswordRequest } from "../users/change-password";
import { ZCreateApiTokenRequest } from "../users/create-api-token";
import { openApiDocument } from "./document";

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** app/api/v1/runs/[id]/route.ts → /api/v1/runs/{id} */
function apiPath(file: string): string {
  return "/" + path.dirname(path.relative("app", file)).replace(/\[([^\]]+)\]/g, "{$1}");
}

const paths = openApiDocument.paths;
const schemas = openApiDocument.components.schemas as Record<string, { examples?: unknown[] }>;

function validatorOf(name: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addFormat("binary", true);
  const defs = JSON.parse(
    JSON.stringify(schemas).replaceAll('"#/components/schemas/', '"#/$defs/'),
  ) as Record<string, object>;
  return ajv.compile({ $defs: defs, $ref: `#/$defs/${name}` });
}

describe("the generated OpenAPI document", () => {
  it("documents every method of every API route file, and nothing else", () => {
    const files = [...routeFiles("app/api"), ...routeFiles("app/ga4gh")].filter(
      (f) => !f.includes("[...nextauth]"),
    );
    const fromFiles = files.flatMap((file) =>
      [
        ...readFileSync(file, "utf8").matchAll(
          /export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g,
        ),
      ].map((m) => `${m[1]!.toLowerCase()} ${apiPath(file)}`),
    );
    const documented = Object.entries(paths).flatMap(([p, item]) =>
      Object.keys(item).map((method) => `${method} ${p.replace(/\/$/, "")}`),
    );
    expect(documented.sort()).toEqual(fromFiles.sort());
  });

  it("documents 503 with Retry-After on every authenticated operation (MySQL or Redis away)", () => {
    for (const [p, item] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(item)) {
        if ("security" in op) continue; // public: health documents its own 503
        const unavailable = op.responses["503"] as { headers?: Record<string, unknown> };
        expect(unavailable?.headers?.["Retry-After"], `${method} ${p}`).toBeDefined();
      }
    }
  });

  it("is valid JSON Schema 2020-12 and every example matches its schema", () => {
    for (const [name, schema] of Object.entries(schemas)) {
      const validate = validatorOf(name);
      for (const example of schema.examples ?? []) {
        expect(validate(example), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  }, 60_000); // ajv compiles every schema: seconds on a loaded 2-core machine

  // The document is generated from the zod schemas; these bodies check that what it
  // says is what zod does (where JSON Schema can say it), so the two cannot drift.
  it.each<[string, z.ZodType, unknown[]]>([
    [
      "CreateRunRequest",
      ZCreateRunRequest,
      [
        { pipeline: "hello@1.0.0", config: {} },
        { pipeline: "hello@1.0.0", config: {}, lables: {} },
        { pipeline: "x".repeat(201), config: {} },
        { pipeline: "hello", config: {}, labels: { "-bad": "x" } },
        { pipeline: "hello", config: {}, labels: { "team/a.b_c-d": "x" } },
        { pipeline: "hello", config: [], priority: 101 },
        { pipeline: "hello", config: {}, name: null, hold: true, priority: 100 },
        { config: {} },
      ],
    ],
    [
      "LegacyRunRequest",
      ZLegacyRunRequest,
      [{ pipeline: "a@1" }, { pipeline: "" }, { project: "p" }, { pipeline: "a", extra: [1] }],
    ],
    [
      "CreateScheduleRequest",
      ZCreateScheduleRequest,
      [
        { name: "n", pipeline: "p", config: {}, cron: "* * * * *" },
        { name: "n", pipeline: "p", config: {}, cron: "* * * * *", missedPolicy: "never" },
        { name: "n", pipeline: "p", config: {}, cron: "* * * * *", other: 1 },
        { name: "n", pipeline: "p", cron: "* * * * *" },
      ],
    ],
    ["UpdateScheduleRequest", ZUpdateScheduleRequest, [{}, { enabled: "yes" }, { nope: 1 }]],
    [
      "CreateApiTokenRequest",
      ZCreateApiTokenRequest,
      [{ name: "ci" }, { name: "ci", expiresInDays: 0 }, { name: "ci", expiresInDays: null }, {}],
    ],
    [
      "ChangePasswordRequest",
      ZChangePasswordRequest,
      [
        { currentPassword: "a", newPassword: "0123456789" },
        { currentPassword: "a", newPassword: "short" },
        { currentPassword: "a", newPassword: "0123456789", x: 1 },
      ],
    ],
    [
      "CreateUserRequest",
      ZCreateUserRequest,
      [
        { username: "alice" },
        { username: "alice", role: "admin", email: null, password: null, maxRunningRuns: 3 },
        { username: "Alice" },
        { username: "alice", role: "root" },
        { username: "alice", password: "short" },
        { username: "alice", maxRunningRuns: -1 },
        { username: "alice", extra: 1 },
        {},
      ],
    ],
    [
      "UpdateUserRequest",
      ZUpdateUserRequest,
      [{}, { disabled: true, role: "viewer", maxRunningRuns: null }, { disabled: "yes" }, { x: 1 }],
    ],
  ])("%s accepts exactly what zod accepts", (name, schema, bodies) => {
    const validate = validatorOf(name);
    for (const body of bodies) {
      expect(validate(body), JSON.stringify(body)).toBe(schema.safeParse(body).success);
    }
  });
});
