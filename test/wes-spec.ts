/**
 * A checker of answers against the GA4GH WES 1.1.0 specification itself
 * (test/fixtures/wes/, OpenAPI 3.0): not Runport's own document. The WES document's
 * ServiceInfo refers to the service-info schema by URL; that reference is resolved to
 * the local copy (tests are offline). OpenAPI 3.0's `nullable` becomes a JSON Schema type.
 */
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const SERVICE_INFO_URL =
  "https://raw.githubusercontent.com/ga4gh-discovery/ga4gh-service-info/v1.0.0/service-info.yaml";
const WES_ID = "https://ga4gh.test/wes-1.1.0.yaml";

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };

/** The JSON form of a YAML copy (test/fixtures/wes/README.md says how it was made). */
function readSpec(file: string): Json {
  return JSON.parse(readFileSync(`test/fixtures/wes/${file}`, "utf8")) as Json;
}

/** OpenAPI 3.0 → JSON Schema: `nullable: true` → `type: [t, "null"]`, everywhere. */
function openApiToJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(openApiToJsonSchema);
  if (typeof value !== "object" || value === null) return value;
  const { nullable, ...rest } = value as Json;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, openApiToJsonSchema(v)]));
  if (nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  return out;
}

export function createWesChecker() {
  const spec = readSpec("workflow_execution_service.openapi.json");
  const serviceInfo = readSpec("service-info.json");
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const format of ["int32", "int64", "binary"]) ajv.addFormat(format, true);
  ajv.addSchema({ $id: SERVICE_INFO_URL, components: openApiToJsonSchema(serviceInfo.components) });
  ajv.addSchema({ $id: WES_ID, components: openApiToJsonSchema(spec.components) });
  const paths = spec.paths as Record<string, Record<string, Operation>>;
  const templates = Object.keys(paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
  }));

  /**
   * Throws unless `status` is declared for the operation and `body` matches its
   * application/json schema. `path` is relative to /ga4gh/wes/v1 (no query string).
   */
  return function check(
    method: string,
    path: string,
    status: number,
    body: unknown,
    /** An error status the operation does not declare (no declared one fits): ErrorResponse. */
    undeclaredError = false,
  ): void {
    const found = templates.find((t) => t.pattern.test(path));
    const operation = found && paths[found.template]?.[method.toLowerCase()];
    if (!found || !operation) throw new Error(`${method} ${path} is not in the WES specification`);
    const declared =
      operation.responses[String(status)] ??
      (undeclaredError && status >= 400
        ? {
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/ErrorResponse" } },
            },
          }
        : undefined);
    if (!declared) {
      throw new Error(
        `${method} ${found.template} → ${status}: the specification declares ${Object.keys(operation.responses).join(", ")}`,
      );
    }
    const media = declared.content?.["application/json"] as { schema: { $ref: string } };
    const validate = ajv.compile({ $ref: `${WES_ID}${media.schema.$ref}` });
    if (!validate(body)) {
      throw new Error(
        `${method} ${found.template} → ${status} breaks the WES specification: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
      );
    }
  };
}
