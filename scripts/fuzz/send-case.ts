/**
 * One fuzz case against the real server, and what must hold for it: an answer (no
 * dropped connection), no 5xx, an answer the OpenAPI document declares (a problem+json
 * or a declared success), exactly one stored run per 201 and none for anything else,
 * and the web process still the same one.
 */
import { createResponseChecker } from "@/test/contract";
import type { FuzzRequest } from "./fuzz-request";

export interface CaseServer {
  baseUrl: string;
  /** Rows in `runs` now. */
  countRuns(): Promise<number>;
  /** Null while the web process that started is still serving; else what happened to it. */
  webGone(): Promise<string | null>;
}

export interface CaseOutcome {
  status: number;
  problems: string[];
  created: boolean;
  /** The status and the start of the problem's detail: what refused the input. */
  reason: string;
}

const check = createResponseChecker();

/** A header value as fetch can send it: ISO-8859-1, no control characters but tab. */
function headerValue(value: string): string {
  const latin1 = Buffer.from(value, "utf8").toString("latin1");
  return [...latin1].filter((c) => c === "\t" || (c >= " " && c !== "\x7f")).join("");
}

/**
 * Node's HTTP server refuses a request line and headers over 16 KiB itself (431, no
 * body) before the app sees it: declared by no route, harmless, and counted apart.
 */
const TRANSPORT_REFUSALS = new Set([431]);

/** A short description of the request, for failure reports. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body ?? new Uint8Array();
  const head = Buffer.from(body.subarray(0, 160)).toString("utf8");
  return `${request.method} ${request.path.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 300)} body ${body.length} bytes: ${JSON.stringify(head)}`;
}

/** The first words of a problem's detail (numbers and quoted parts dropped), or "". */
function reasonOf(text: string): string {
  try {
    const { detail } = JSON.parse(text) as { detail?: unknown };
    if (typeof detail !== "string") return "";
    return detail.replaceAll(/"[^"]*"|\d+/g, "…").slice(0, 70);
  } catch {
    return "";
  }
}

export async function sendCase(
  server: CaseServer,
  request: FuzzRequest,
  authorization: string,
): Promise<CaseOutcome> {
  const before = await server.countRuns();
  const headers = Object.fromEntries(
    Object.entries({ ...request.headers, Authorization: authorization }).map(([k, v]) => [
      k,
      headerValue(v),
    ]),
  );
  let response: Response;
  try {
    response = await fetch(server.baseUrl + request.path, {
      method: request.method,
      headers,
      ...(request.body ? { body: new Uint8Array(request.body) } : {}),
      redirect: "manual",
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    const gone = await server.webGone();
    const cause =
      error instanceof Error && error.cause
        ? ` (${error.cause instanceof Error ? error.cause.message : JSON.stringify(error.cause)})`
        : "";
    const detail = `no answer: ${String(error)}${cause}${gone ? `; ${gone}` : ""}`;
    return { status: 0, problems: [detail], created: false, reason: "no answer" };
  }
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`answered ${response.status}`);
  if (!TRANSPORT_REFUSALS.has(response.status)) {
    problems.push(...(await check(request.method, request.path, response)));
  }
  const text = await response.text();
  if (response.status >= 500) problems.push(`body: ${text.slice(0, 300)}`);
  const created = response.status === 201;
  const reason = `${response.status} ${reasonOf(text)}`;
  if (created) {
    // Keep the worker (when there is one) free: the run itself is not what is fuzzed.
    const { id } = JSON.parse(text) as { id: string };
    await fetch(`${server.baseUrl}/api/v1/runs/${id}/cancel`, {
      method: "POST",
      headers: { Authorization: authorization },
    }).then((r) => r.arrayBuffer());
  }
  const stored = (await server.countRuns()) - before;
  if (stored !== (created ? 1 : 0)) {
    problems.push(`${stored} run(s) stored for a ${response.status} answer`);
  }
  const gone = await server.webGone();
  if (gone) problems.push(gone);
  return { status: response.status, problems, created, reason };
}
