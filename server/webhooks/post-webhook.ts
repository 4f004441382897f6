import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { Webhook } from "standardwebhooks";
import { resolveTarget } from "./check-target";

export interface PostResult {
  /** The HTTP status, or null when there was none (refused, dropped, timed out). */
  status: number | null;
  error: string | null;
  ms: number;
}

/** At most this much of an answer is read (and thrown away). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs one signed message (Standard Webhooks headers) to `url`, connecting to the address
 * resolveTarget checked. No redirects are followed; the answer's body is not kept.
 */
export async function postWebhook(options: {
  url: string;
  secret: string;
  messageId: string;
  body: string;
  allowedHosts: readonly string[];
  timeoutMs: number;
  now?: Date;
}): Promise<PostResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null): PostResult => ({
    status,
    error: error?.slice(0, 300) ?? null,
    ms: Math.round(performance.now() - started),
  });
  const url = new URL(options.url);
  let target: { address: string; family: 4 | 6 };
  try {
    // Resolving counts against the time limit too: a send never outlives its lease.
    let timer: NodeJS.Timeout | undefined;
    target = await Promise.race([
      resolveTarget(url, options.allowedHosts),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`resolving ${url.hostname} took over ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (error) {
    return done(null, error instanceof Error ? error.message : String(error));
  }
  const now = options.now ?? new Date();
  const signature = new Webhook(options.secret).sign(options.messageId, now, options.body);
  // The checked address, whatever the host would resolve to now (TLS still checks the name).
  const lookup: LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        target,
      ]);
    } else callback(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<PostResult>((resolve) => {
    const request = client.request(
      url,
      {
        method: "POST",
        lookup,
        agent: false,
        timeout: options.timeoutMs,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(options.body),
          "user-agent": "Runport-Webhooks/1",
          "webhook-id": options.messageId,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": signature,
        },
      },
      (response) => {
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on("close", () => resolve(done(response.statusCode ?? null, null)));
        response.on("error", () => undefined);
      },
    );
    const deadline = setTimeout(
      () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on("timeout", () =>
      request.destroy(new Error(`timed out after ${options.timeoutMs} ms`)),
    );
    request.on("error", (error) => resolve(done(null, error.message)));
    request.on("close", () => clearTimeout(deadline));
    request.end(options.body);
  });
}
