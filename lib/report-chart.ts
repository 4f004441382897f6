import { breaches, toNumber, type ChartSpec } from "./report-spec";

/** A JSON value as a cell or a category: text as it is, anything else as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Colours of the series, then of a value on the wrong side of a threshold. */
const PALETTE = ["#2563eb", "#0d9488", "#7c3aed", "#d97706", "#db2777", "#4b5563"];
export const BREACH_COLOUR = "#dc2626";

/** A round number at or above `value` (1, 2 or 5 times a power of ten, halves included). */
export function niceCeil(value: number): number {
  if (value <= 0) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = magnitude / 2;
  return Math.ceil((value * 1.05) / step) * step;
}

/** The records a chart plots, as rows of text for its table fallback, and which cells breach. */
export function chartTable(
  chart: ChartSpec,
  records: Record<string, unknown>[],
): { columns: string[]; rows: { cells: string[]; flagged: string[] }[] } {
  const columns = [chart.x, ...chart.y];
  return {
    columns,
    rows: records.map((record) => {
      const flagged: string[] = [];
      for (const field of chart.y) {
        const value = toNumber(record[field]);
        for (const threshold of chart.thresholds)
          if (breaches(value, threshold)) flagged.push(`${field}: ${threshold.label}`);
      }
      return {
        cells: columns.map((column) => cellText(record[column])),
        flagged,
      };
    }),
  };
}

/** What the chart says in one sentence, for screen readers (role="img"). */
export function chartSummary(chart: ChartSpec, records: Record<string, unknown>[]): string {
  const kind =
    chart.type === "scatter" ? "Scatter plot" : chart.type === "line" ? "Line chart" : "Bar chart";
  const lines = chart.thresholds.map(
    (t) => `${t.label} (${t.kind === "min" ? "at least" : "at most"} ${t.value})`,
  );
  return `${kind}: ${chart.y.join(", ")} by ${chart.x}, ${records.length} ${records.length === 1 ? "point" : "points"}${lines.length ? `; thresholds: ${lines.join(", ")}` : ""}. The data table below has the values.`;
}

/**
 * The ECharts option of a bar, line or scatter chart: one series per `y` field, thresholds
 * as dashed lines across it, and each value on their wrong side drawn red. Plain data only,
 * so it is built and tested without a browser; animation is off (exports and screenshots
 * show the final chart).
 */
export function chartOption(chart: ChartSpec, records: Record<string, unknown>[]) {
  const scatter = chart.type === "scatter";
  const top =
    chart.thresholds.length > 0 ? Math.max(...chart.thresholds.map((t) => t.value)) : null;
  const categories = records.map((record) => cellText(record[chart.x]));
  const series = chart.y.map((field, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const data = records.map((record) => {
      const value = toNumber(record[field]);
      const bad = chart.thresholds.some((t) => breaches(value, t));
      const point = scatter ? [toNumber(record[chart.x]), value] : value;
      return bad ? { value: point, itemStyle: { color: BREACH_COLOUR } } : { value: point };
    });
    return {
      type: chart.type,
      name: field,
      data,
      itemStyle: { color: colour },
      ...(i === 0 && chart.thresholds.length > 0
        ? {
            markLine: {
              symbol: "none",
              silent: true,
              lineStyle: { type: "dashed", color: "#b91c1c" },
              label: {
                formatter: "{b}",
                position: "insideStartTop",
                color: "#b91c1c",
                backgroundColor: "rgba(255, 255, 255, 0.85)",
                padding: [1, 3],
              },
              data: chart.thresholds.map((t) => ({ name: t.label, yAxis: t.value })),
            },
          }
        : {}),
    };
  });
  return {
    animation: false,
    // ECharts' own aria would replace the container's label with a generated one: the
    // summary (chartSummary) and the data table say it better.
    aria: { enabled: false },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { show: chart.y.length > 1, top: 0 },
    tooltip: { trigger: scatter ? "item" : "axis" },
    xAxis: scatter
      ? { type: "value", name: chart.x, scale: true }
      : {
          type: "category",
          data: categories,
          axisLabel: { interval: 0, rotate: categories.length > 8 ? 30 : 0 },
        },
    yAxis: {
      nameTextStyle: { align: "left" },
      // Thresholds above every value stay in view.
      ...(top === null
        ? {}
        : { max: (extent: { max: number }) => niceCeil(Math.max(extent.max, top)) }),
      type: "value",
      name: chart.yLabel ?? (chart.y.length === 1 ? chart.y[0] : ""),
      scale: chart.type !== "bar",
    },
    series,
  };
}
