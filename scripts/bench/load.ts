import { Agent, request } from "node:http";

export interface LoadSpec {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  /** A body per request (so each submission is distinct). */
  body?: (i: number) => string;
  expectStatus: number;
}

/**
 * Closed-loop load: `concurrency` clients on keep-alive connections, each sending its
 * next request as soon as the previous answer arrived, for `seconds`.
 */
export async function runLoad(spec: LoadSpec, concurrency: number, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(spec.url);
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let requests = 0;
  let errors = 0;
  let sequence = 0;
  const statuses: Record<number, number> = {};
  const one = () =>
    new Promise<number>((resolve) => {
      const body = spec.body?.(sequence++);
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: spec.method,
          headers: {
            ...spec.headers,
            ...(body ? { "Content-Length": Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", () => resolve(0));
      req.end(body);
    });
  const client = async () => {
    while (performance.now() < deadline) {
      const status = await one();
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === spec.expectStatus) requests++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  agent.destroy();
  const elapsed = (performance.now() - started) / 1000;
  return { requests, errors, seconds: elapsed, perSecond: requests / elapsed, statuses };
}
