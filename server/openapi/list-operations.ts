import type { OperationDoc } from "@/lib/operation-doc";
import { openApiDocument } from "./document";

type Schema = { $ref?: string; type?: string; examples?: unknown[] };

function exampleOf(schema: Schema | undefined): string | undefined {
  const name = schema?.$ref?.split("/").pop();
  const component = name ? (openApiDocument.components.schemas[name] as Schema) : undefined;
  const example = component?.examples?.[0];
  return example === undefined ? undefined : JSON.stringify(example, null, 2);
}

/** The operations of the OpenAPI document, flattened for the /apidocs page. */
export function listOperations(): OperationDoc[] {
  return Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => {
      const body = op.requestBody && Object.values(op.requestBody.content)[0];
      const requestExample = exampleOf(body?.schema);
      return {
        method,
        path,
        summary: op.summary,
        ...(op.description ? { description: op.description } : {}),
        parameters: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          ...(p.required ? { required: true } : {}),
          ...(p.description ? { description: p.description as string } : {}),
          ...((p.schema as Schema).type ? { type: (p.schema as Schema).type } : {}),
        })),
        ...(requestExample ? { requestExample } : {}),
        responses: Object.entries(op.responses).map(([status, r]) => ({
          status,
          description: r.description,
        })),
        public: Array.isArray(op.security) && op.security.length === 0,
      };
    }),
  );
}
