import { toProblem } from "../errors";
import type { Logger } from "../logger";

export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(data), { ...init, headers });
}

/** Any thrown value as an application/problem+json response; 5xx are logged with their cause. */
export function problemResponse(error: unknown, log: Logger | undefined): Response {
  const { problem, headers } = toProblem(error);
  if (problem.status >= 500) log?.error({ err: error }, "request failed");
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: {
      ...headers,
      "Content-Type": "application/problem+json; charset=utf-8",
      "Cache-Control": "no-store",
    },
  });
}
