/** Calls a Next.js route handler in-process with a real Request, as the server would. */
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
  const request = new Request(`http://runport.test${init.path}`, {
    method: init.method ?? "GET",
    headers: init.headers ?? {},
    ...(init.body !== undefined
      ? { body: typeof init.body === "string" ? init.body : new Uint8Array(init.body) }
      : {}),
  });
  return handler(request, { params: Promise.resolve((init.params ?? {}) as P) });
}
