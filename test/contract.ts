/**
 * The contract test: every answer a route handler gives in the integration suite is
 * checked against the generated OpenAPI document (test/http.ts calls it). A status the
 * document does not declare for that method and path, another media type, a missing
 * required header or a JSON body its schema rejects fails the test that received it.
 */
import { appendFileSync } from "node:fs";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { openApiDocument } from "@/server/openapi/document";

type Document = typeof openApiDocument;
type HeaderSpec = { required?: boolean; schema: { type?: string } };

/** What a header value of each declared type looks like. */
const HEADER_VALUE: Record<string, RegExp> = {
  string: /^/,
  integer: /^-?\d+$/,
  boolean: /^(true|false)$/,
};
type ResponseDoc = {
  content?: Record<string, { schema: unknown }>;
  headers?: Record<string, HeaderSpec>;
};

const DOC_ID = "https://runport.test/openapi.json";

/** Compiles the document's component schemas once; refs point into them. */
export function createResponseChecker(document: Document = openApiDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addFormat("binary", true);
  const rebase = (value: unknown): unknown =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${DOC_ID}#/$defs/`));
  ajv.addSchema({ $id: DOC_ID, $defs: rebase(document.components.schemas) as object });

  const operations = Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item).map(([method, op]) => ({
      template,
      method,
      op: op,
      // Matches the paths of the template, and the template itself (`{id}` is one segment).
      pattern: new RegExp(
        `^${template
          .replace(/\/$/, "")
          .split("/")
          .map((s) => (s.startsWith("{") ? "[^/]+" : s.replace(/[.]/g, "\\.")))
          .join("/")}/?$`,
      ),
      literals: template.split("/").filter((s) => s && !s.startsWith("{")).length,
    })),
  );
  const validators = new Map<string, ValidateFunction>();
  const validatorFor = (key: string, schema: unknown) => {
    let validate = validators.get(key);
    if (!validate) validators.set(key, (validate = ajv.compile(rebase(schema) as object)));
    return validate;
  };

  /** The problems of one answer (empty when it matches the document). */
  return async function check(
    method: string,
    path: string,
    response: Response,
    /** The route's template when the caller knows it (from the handler called). */
    template?: string,
  ): Promise<string[]> {
    const pathname = template ?? new URL(path, "http://runport.test").pathname;
    const found = operations
      .filter((o) => o.method === method.toLowerCase() && o.pattern.test(pathname))
      .sort((a, b) => b.literals - a.literals)[0];
    const where = `${method.toUpperCase()} ${pathname}`;
    if (!found) return [`${where} is not in the OpenAPI document`];
    const label = `${method.toUpperCase()} ${found.template} → ${response.status}`;
    const responses = found.op.responses as Record<string, ResponseDoc>;
    const declared = responses[String(response.status)];
    if (!declared) {
      return [`${label}: the document declares only ${Object.keys(responses).join(", ")}`];
    }
    const problems: string[] = [];
    for (const [name, header] of Object.entries(declared.headers ?? {})) {
      const value = response.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${label}: no ${name} header`);
      } else if (!HEADER_VALUE[header.schema.type ?? "string"]?.test(value)) {
        problems.push(`${label}: ${name}: ${value} is not of type ${header.schema.type}`);
      }
    }
    const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      if (response.body !== null)
        problems.push(`${label}: a body (${type}) where none is declared`);
      return problems;
    }
    const media = content[type];
    if (!media) {
      return [
        ...problems,
        `${label}: Content-Type ${type || "(none)"}, declared ${Object.keys(content).join(", ")}`,
      ];
    }
    if (type !== "application/json" && !type.endsWith("+json")) return problems;
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return [...problems, `${label}: the body is not JSON: ${text.slice(0, 200)}`];
    }
    const validate = validatorFor(
      `${method} ${found.template} ${response.status} ${type}`,
      media.schema,
    );
    if (!validate(body)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
      problems.push(
        `${label} (${type}) does not match the document: ${errors.join("; ")}\nbody: ${text.slice(0, 500)}`,
      );
    }
    return problems;
  };
}

let shared: ReturnType<typeof createResponseChecker> | undefined;

/** Throws when an answer does not match the document (what callRoute uses). */
export async function assertMatchesContract(
  method: string,
  path: string,
  response: Response,
  template?: string,
) {
  shared ??= createResponseChecker();
  const problems = await shared(method, path, response, template);
  // RUNPORT_CONTRACT_LOG: one line per checked answer, to count them over a run.
  const log = process.env.RUNPORT_CONTRACT_LOG;
  if (log) appendFileSync(log, `${method} ${template ?? path.split("?")[0]} ${response.status}\n`);
  if (problems.length > 0) {
    throw new Error(
      `The answer breaks the API contract (OpenAPI document):\n${problems.join("\n")}`,
    );
  }
}
