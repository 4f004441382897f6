import { z } from "zod";

/** Output paths a report may read: relative, `/`-separated, no `..`, JSON or a table. */
const zReportSource = z
  .string()
  .min(1)
  .max(512)
  .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$)).*\.(json|tsv|tab|csv)$/i, {
    message: "a relative path to a .json, .tsv, .tab or .csv output, without . or .. segments",
  });

const zField = z.string().min(1).max(200);

export const CHART_TYPES = ["bar", "line", "scatter", "table"] as const;

/** A line drawn across a chart at a value: a limit a good run stays on one side of. */
export const ZThreshold = z.strictObject({
  value: z.number(),
  label: z.string().min(1).max(100),
  /** `min`: values below are flagged; `max`: values above are flagged. */
  kind: z.enum(["min", "max"]).default("min"),
});
export type Threshold = z.infer<typeof ZThreshold>;

export const ZChartSpec = z.strictObject({
  title: z.string().min(1).max(200),
  type: z.enum(CHART_TYPES),
  /** The output the data comes from; the report's `output` when absent. */
  source: zReportSource.optional(),
  /** JSON sources: a JSON Pointer to the array of objects to plot (e.g. `/samples`). */
  rows: z
    .string()
    .regex(/^(\/[^/]*)*$/, "a JSON Pointer such as /samples")
    .max(200)
    .optional(),
  /** The field for categories (bar, table) or the x axis (line, scatter). */
  x: zField,
  /** The fields plotted (bar, line, scatter) or the other columns (table). */
  y: z.array(zField).min(1).max(12),
  yLabel: z.string().max(100).optional(),
  thresholds: z.array(ZThreshold).max(5).default([]),
});
export type ChartSpec = z.infer<typeof ZChartSpec>;

/** `report` of pipeline.json: the output that is the run's report, and charts over it. */
export const ZReportSpec = z
  .strictObject({
    output: zReportSource,
    title: z.string().min(1).max(200).default("Report"),
    charts: z.array(ZChartSpec).min(1).max(20),
  })
  .superRefine((report, context) => {
    report.charts.forEach((chart, i) => {
      const source = chart.source ?? report.output;
      const json = source.toLowerCase().endsWith(".json");
      if (json && chart.rows === undefined) {
        context.addIssue({
          code: "custom",
          path: ["charts", i, "rows"],
          message: "a JSON source needs `rows`: a JSON Pointer to the array to plot",
        });
      }
      if (!json && chart.rows !== undefined) {
        context.addIssue({
          code: "custom",
          path: ["charts", i, "rows"],
          message: "only JSON sources take `rows`: a table's rows are its lines",
        });
      }
    });
  });
export type ReportSpec = z.infer<typeof ZReportSpec>;

/** The value at a JSON Pointer (RFC 6901), or undefined. */
export function atPointer(value: unknown, pointer: string): unknown {
  if (pointer === "") return value;
  let current = value;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The records a chart plots: objects from a JSON array, or a table's rows keyed by column. */
export function chartRecords(
  chart: ChartSpec,
  data: { json: unknown } | { columns: string[]; rows: string[][] },
): Record<string, unknown>[] {
  if ("json" in data) {
    const list = atPointer(data.json, chart.rows ?? "");
    if (!Array.isArray(list)) return [];
    return list.filter(
      (item): item is Record<string, unknown> => item !== null && typeof item === "object",
    );
  }
  return data.rows.map((row) =>
    Object.fromEntries(data.columns.map((column, i) => [column, row[i] ?? ""])),
  );
}

/** A number from a JSON value or a table cell; null when it is none (empty, text). */
export function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Whether a value is on the wrong side of a threshold. */
export function breaches(value: number | null, threshold: Threshold): boolean {
  if (value === null) return false;
  return threshold.kind === "min" ? value < threshold.value : value > threshold.value;
}
