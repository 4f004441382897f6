import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
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

function collectRefs(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, refs));
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "$ref" && typeof v === "string") refs.push(v);
      else collectRefs(v, refs);
    }
  }
  return refs;
}

describe("the OpenAPI document", () => {
  const paths = openApiDocument.paths as Record<string, Record<string, unknown>>;

  it("documents every method of every API route file", () => {
    // next-auth's own endpoints (sign-in protocol of the web pages) are not part of the API.
    for (const file of routeFiles("app/api").filter((f) => !f.includes("[...nextauth]"))) {
      const source = readFileSync(file, "utf8");
      const methods = [
        ...source.matchAll(
          /export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g,
        ),
      ].map((m) => m[1]!.toLowerCase());
      const documented = paths[apiPath(file)] ?? paths[`${apiPath(file)}/`];
      expect(documented, `${apiPath(file)} is missing from the OpenAPI document`).toBeDefined();
      for (const method of methods)
        expect(documented, `${method} ${apiPath(file)}`).toHaveProperty(method);
    }
  });

  it("resolves every $ref and gives every operation a summary and responses", () => {
    const schemas = openApiDocument.components.schemas as Record<string, unknown>;
    for (const ref of collectRefs(openApiDocument)) {
      expect(schemas[ref.replace("#/components/schemas/", "")], ref).toBeDefined();
    }
    for (const item of Object.values(paths)) {
      for (const op of Object.values(item) as { summary: string; responses: object }[]) {
        expect(op.summary.length).toBeGreaterThan(0);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      }
    }
  });
});
