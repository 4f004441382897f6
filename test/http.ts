import { readdirSync } from "node:fs";
import path from "node:path";
import { assertMatchesContract } from "./contract";

type Handler = (...args: never[]) => unknown;

/** Each API route handler → its method and path template (app/api/v1/runs/[id] → /api/v1/runs/{id}). */
let templates: Promise<Map<Handler, string>> | undefined;

async function loadTemplates(): Promise<Map<Handler, string>> {
  const files = readdirSync("app/api", { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith("route.ts") && !f.includes("[...nextauth]"))
    .map((f) => path.join("app/api", f));
  const map = new Map<Handler, string>();
  for (const file of files) {
    const route = (await import(path.resolve(file))) as Record<string, Handler>;
    const template =
      "/" + path.dirname(path.relative("app", file)).replace(/\[([^\]]+)\]/g, "{$1}");
    for (const handler of Object.values(route))
      if (typeof handler === "function") map.set(handler, template);
  }
  return map;
}

/**
 * Calls a Next.js route handler in-process with a real Request, as the server would,
 * and checks the answer against the OpenAPI document (test/contract.ts): every answer
 * the integration suite receives is part of the contract test. The operation is found
 * from the handler called, so a test may use any path it likes.
 */
export async function callRoute<P extends object>(
  handler: (request: Request, context: { params: Promise<P> }) => Promise<Response>,
  init: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    params?: P;
  },
): Promise<Response> {
  const method = init.method ?? "GET";
  const request = new Request(`http://runport.test${init.path}`, {
    method,
    headers: init.headers ?? {},
    ...(init.body !== undefined
      ? { body: typeof init.body === "string" ? init.body : new Uint8Array(init.body) }
      : {}),
  });
  const response = await handler(request, { params: Promise.resolve((init.params ?? {}) as P) });
  const template = (await (templates ??= loadTemplates())).get(handler);
  await assertMatchesContract(method, init.path, response, template);
  return response;
}
