/** What a person reads: aligned tables, sizes, times, a progress bar. Pure functions. */

/** Control characters (escape sequences among them) never reach the terminal from data. */
export function clean(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text =
    typeof value === "string"
      ? value
      : typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : JSON.stringify(value);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, " ");
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(clean))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : (cell ?? "").padEnd(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "2026-12-07 04:36" in UTC (the API's times are UTC; scripts use --json). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return iso.replace("T", " ").slice(0, 16);
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** `[#########-----------]  45%` in `width` characters of bar. */
export function progressBar(percent: number | null, width = 24): string {
  if (percent === null) return `[${"?".repeat(width)}]     `;
  const p = Math.max(0, Math.min(100, percent));
  const filled = Math.round((p / 100) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(p)).padStart(3)}%`;
}

/** One line of progress: status, percent and the pipeline's message. */
export function progressLine(run: {
  status: string;
  progress: { percent: number | null; message: string | null } | null;
}): string {
  const percent = run.progress?.percent;
  const message = run.progress?.message;
  return [
    run.status,
    percent !== null && percent !== undefined ? `${Math.round(percent)}%` : "",
    message ? clean(message) : "",
  ]
    .filter(Boolean)
    .join(" ");
}

/** `key=value` (repeatable --label) to a record; the server checks the key's characters. */
export function parseLabels(values: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf("=");
    if (at < 1) throw new Error(`--label ${value}: expected key=value`);
    const key = value.slice(0, at);
    if (key in labels) throw new Error(`--label ${key} is given twice`);
    labels[key] = value.slice(at + 1);
  }
  return labels;
}
