// The parts of DATABASE_URL / REDIS_URL that finding or starting a server needs, parsed
// with the same URL parser the app's drivers use.

export interface ServiceUrl {
  scheme: string;
  /** Without the brackets of an IPv6 address. */
  host: string;
  port: number;
  user: string;
  password: string;
}

/** undefined when the text is not a URL with a host. */
export function parseServiceUrl(text: string, defaultPort: number): ServiceUrl | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!host) return undefined;
  try {
    return {
      scheme: url.protocol.replace(/:$/, ""),
      host,
      port: url.port ? Number(url.port) : defaultPort,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
  } catch {
    return undefined; // a malformed %-escape
  }
}

/** Hosts for which we may start a server ourselves. */
export function isLocalHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** Where a private server listens: the URL's host, with localhost meaning IPv4 (Node tries both). */
export function bindAddress(host: string): string {
  return host === "localhost" ? "127.0.0.1" : host;
}

/** A host as people write it in host:port messages. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The server part of a database URL (tests create their own databases on it). */
export function databaseServerUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = "";
  url.search = "";
  return url.href.replace(/\/$/, "");
}
