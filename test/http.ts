import { assertMatchesContract } from "./contract";

/**
 * Calls a Next.js route handler in-process with a real Request, as the server would,
 * and checks the answer against the OpenAPI document (test/contract.ts): every answer
 * the integration suite receives is part of the contract test.
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
  await assertMatchesContract(method, init.path, response);
  return response;
}
