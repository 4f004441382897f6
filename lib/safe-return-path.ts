/**
 * Where to go after signing in: only a path on this site. Parsed as a URL (browsers drop
 * tabs and newlines, so "/\t/evil.com" would otherwise become "//evil.com").
 */
export function safeReturnPath(value: string | null | undefined, fallback = "/runs"): string {
  if (!value || !value.startsWith("/")) return fallback;
  try {
    const base = "http://runport.invalid";
    const url = new URL(value, base);
    if (url.origin !== base) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
