/** The HTTP side of the client: one base URL, one credential, problem+json on failure. */
import type { Problem } from "../../lib/contract/problem";
import { CliError, EXIT } from "./exit-codes";
import { ApiError } from "./problem";

export interface Credential {
  /** The Authorization header value. */
  header: string;
  /** Where it came from, for messages: "config", "netrc", "RUNPORT_TOKEN", "--token". */
  source: string;
}

export interface RequestOptions {
  method?: string;
  query?: URLSearchParams;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** A request that changes nothing may be sent again after a dropped connection or a 503. */
  retry?: boolean;
  /** Milliseconds before the request is given up (default 60 s); 0 for none (streams). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const USER_AGENT = `runport-cli/${typeof RUNPORT_CLI_VERSION === "string" ? RUNPORT_CLI_VERSION : "dev"}`;
const ATTEMPTS = 4;

declare const RUNPORT_CLI_VERSION: string | undefined;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly credential: Credential | null,
  ) {}

  url(path: string, query?: URLSearchParams): string {
    const url = new URL(path, this.baseUrl.endsWith("/") ? this.baseUrl : `${this.baseUrl}/`);
    if (query) url.search = query.toString();
    return url.toString();
  }

  /** The answer when it is 2xx (or 304); an ApiError with the server's problem otherwise. */
  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...options.headers };
    if (this.credential) headers.Authorization = this.credential.header;
    for (let attempt = 1; ; attempt++) {
      const timeout = options.timeoutMs ?? 60_000;
      const signals = [options.signal, timeout ? AbortSignal.timeout(timeout) : undefined];
      const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => !!s));
      let response: Response;
      try {
        response = await fetch(url, {
          method: options.method ?? "GET",
          headers,
          ...(options.body !== undefined ? { body: options.body } : {}),
          signal,
          redirect: "manual",
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (options.retry && attempt < ATTEMPTS) {
          await sleep(500 * attempt);
          continue;
        }
        throw new CliError(`cannot reach ${this.baseUrl}: ${reason(error)}`, EXIT.network);
      }
      if (response.ok || response.status === 304) return response;
      const failure = await apiError(response);
      if (
        options.retry &&
        attempt < ATTEMPTS &&
        (response.status === 503 || response.status === 429)
      ) {
        await sleep(Math.min(failure.retryAfter ?? attempt, 10) * 1000);
        continue;
      }
      throw failure;
    }
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(path, {
      ...options,
      headers: { Accept: "application/json", ...options.headers },
    });
    return (await response.json()) as T;
  }
}

/** The problem of a failed answer (a 3xx is a wrong URL: the API never redirects a client). */
export async function apiError(response: Response): Promise<ApiError> {
  let problem: Partial<Problem> | null = null;
  const text = await response.text().catch(() => "");
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") problem = parsed;
  } catch {
    if (response.status >= 300 && response.status < 400) {
      problem = {
        detail: `redirected to ${response.headers.get("location") ?? "?"}: is the URL right?`,
      };
    }
  }
  const retryAfter = Number(response.headers.get("retry-after") ?? "NaN");
  return new ApiError(response.status, problem, Number.isFinite(retryAfter) ? retryAfter : null);
}

/** A network error's reason, as short as undici allows (its cause says what happened). */
export function reason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (error.name === "TimeoutError") return "no answer in time";
    if (cause instanceof Error) return cause.message;
    return error.message;
  }
  return String(error);
}
