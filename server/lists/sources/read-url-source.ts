import { ListSourceError } from "./list-source-error";
import type { SourceLimits, SourceText } from "./source-text";

/** True when the URL's host (`host` or `host:port`) is in the admins' allow-list. */
export function isAllowedHost(url: URL, hosts: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  return hosts.some((h) => h === host || h === url.host.toLowerCase());
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new ListSourceError(`the answer is larger than ${maxBytes} bytes`);
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ListSourceError(`the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Fetches a list's URL: the host must be in LIST_URL_HOSTS, redirects are not followed
 * (they could lead off the allow-list), the whole answer must come within `timeoutMs` and
 * `maxBytes`. The version's ETag / Last-Modified are sent back: 304 keeps the version.
 */
export async function readUrlSource(
  address: string,
  options: SourceLimits & {
    hosts: readonly string[];
    etag?: string | null;
    lastModified?: string | null;
  },
): Promise<SourceText> {
  const url = new URL(address);
  if (!isAllowedHost(url, options.hosts)) {
    throw new ListSourceError(`the host ${url.host} is not in LIST_URL_HOSTS`);
  }
  const headers: Record<string, string> = { Accept: "text/csv, application/json, text/plain, */*" };
  if (options.etag) headers["If-None-Match"] = options.etag;
  if (options.lastModified) headers["If-Modified-Since"] = options.lastModified;
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(url, { headers, redirect: "manual", signal });
    if (response.status === 304) return { notModified: true };
    if (response.status >= 300 && response.status < 400) {
      throw new ListSourceError(`the URL answered ${response.status} (redirects are not followed)`);
    }
    if (!response.ok) throw new ListSourceError(`the URL answered ${response.status}`);
    const text = await readLimited(response, options.maxBytes);
    return {
      notModified: false,
      text,
      etag: response.headers.get("etag"),
      lastModified: response.headers.get("last-modified"),
    };
  } catch (error) {
    if (error instanceof ListSourceError) throw error;
    if (signal.aborted) {
      throw new ListSourceError(`the URL did not answer within ${options.timeoutMs / 1000} s`);
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new ListSourceError(`the URL could not be fetched${cause ? ` (${cause})` : ""}`);
  }
}
