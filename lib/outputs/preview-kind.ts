/**
 * How the run page previews an output, from its file name alone (the content is never
 * sniffed: a `.txt` full of HTML is shown as text). Unknown types have no preview and keep
 * only their download button.
 */
export const PREVIEW_KINDS = ["table", "json", "image", "text", "markdown", "html"] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];

const BY_EXTENSION: Record<string, PreviewKind> = {
  tsv: "table",
  tab: "table",
  csv: "table",
  json: "json",
  png: "image",
  jpg: "image",
  jpeg: "image",
  svg: "image",
  txt: "text",
  log: "text",
  out: "text",
  err: "text",
  md: "markdown",
  markdown: "markdown",
  html: "html",
  htm: "html",
};

/** Media types of the kinds served as they are (images, HTML); everything else is JSON. */
const MEDIA_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  svg: "image/svg+xml",
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
};

function extension(path: string): string {
  const name = path.split("/").pop() ?? "";
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

export function previewKind(path: string): PreviewKind | null {
  return BY_EXTENSION[extension(path)] ?? null;
}

/** The media type an image or HTML output is served with; null for the other kinds. */
export function rawMediaType(path: string): string | null {
  return MEDIA_TYPES[extension(path)] ?? null;
}

/** CSV splits on commas (with quotes), TSV and .tab on tabs. */
export function tableDelimiter(path: string): "," | "\t" {
  return extension(path) === "csv" ? "," : "\t";
}
