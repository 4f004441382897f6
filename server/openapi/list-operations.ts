import type { OperationDoc } from "@/lib/operation-doc";
import { openApiDocument } from "./document";

type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: { type?: string };
};
type Operation = {
  summary: string;
  description?: string;
  parameters?: readonly Parameter[];
  security?: readonly unknown[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { description: string }>;
};

function exampleOf(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const name = ref.split("/").pop() as keyof typeof openApiDocument.components.schemas;
  const schema = openApiDocument.components.schemas[name] as { example?: unknown };
  return schema.example === undefined ? undefined : JSON.stringify(schema.example, null, 2);
}

/** The operations of the OpenAPI document, flattened for the /apidocs page. */
export function listOperations(): OperationDoc[] {
  const result: OperationDoc[] = [];
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as Operation;
      const body = op.requestBody ? Object.values(op.requestBody.content)[0] : undefined;
      const requestExample = exampleOf(body?.schema.$ref);
      result.push({
        method,
        path,
        summary: op.summary,
        ...(op.description ? { description: op.description } : {}),
        parameters: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          ...(p.required ? { required: true } : {}),
          ...(p.description ? { description: p.description } : {}),
          ...(p.schema?.type ? { type: p.schema.type } : {}),
        })),
        ...(requestExample ? { requestExample } : {}),
        responses: Object.entries(op.responses).map(([status, r]) => ({
          status,
          description: r.description,
        })),
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return result;
}
