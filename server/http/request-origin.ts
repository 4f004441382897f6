import { headers } from "next/headers";
import { getAppContext } from "./app-context";

/**
 * The origin clients reach this server at, for the snippets pages show: PUBLIC_URL when
 * set, else the request's Host (only when it looks like a host name) and protocol.
 */
export async function requestOrigin(): Promise<string> {
  const publicUrl = getAppContext().config.publicUrl;
  if (publicUrl) return new URL(publicUrl).origin;
  const h = await headers();
  const host = h.get("host") ?? "";
  const proto = (h.get("x-forwarded-proto") ?? "http").split(",")[0]?.trim();
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) {
    return "http://localhost:3000";
  }
  return `${proto === "https" ? "https" : "http"}://${host}`;
}
