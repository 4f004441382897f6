/**
 * Bidirectional controls (marks, embeddings, overrides, isolates) and the byte order mark:
 * `invoice\u202Efdp.exe` shows as `invoiceexe.pdf` in a browser's download bar or a file
 * manager (issue 10, finding 11). No file name needs them.
 */
const BIDI_AND_BOM = /^[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]$/;

/**
 * Control characters (C0, DEL, C1), the Unicode line and paragraph separators, lone
 * surrogates (encodeURIComponent refuses them), the backslash (a folder separator to
 * Windows browsers) and the bidirectional controls.
 */
function unsafe(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return (
    BIDI_AND_BOM.test(c) ||
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0xd800 && code <= 0xdfff) ||
    c === "\\"
  );
}

/**
 * `Content-Disposition: attachment` for a file name from anywhere (RFC 6266): a plain
 * ASCII `filename` for old clients and the exact name as UTF-8 in `filename*` (RFC 8187).
 * Only the last path segment is used; control characters and separators never reach the
 * header, so the name cannot break it or point a browser at another folder.
 */
export function attachmentDisposition(name: string, fallback = "download"): string {
  const base = name.split("/").pop() ?? "";
  const clean = Array.from(base, (c) => (unsafe(c) ? "_" : c))
    .join("")
    .trim();
  const safe = clean === "" || clean === "." || clean === ".." ? fallback : clean;
  const ascii = safe.replace(/[^\x20-\x7e]/g, "_").replace(/["%;]/g, "_");
  const encoded = encodeURIComponent(safe).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The same, `inline`: the file is shown (a preview), its name kept for "Save as". */
export function inlineDisposition(name: string, fallback = "download"): string {
  return `inline${attachmentDisposition(name, fallback).slice("attachment".length)}`;
}
