"use client";

import { useEffect, useId, useRef, useState } from "react";
import { chartOption, chartSummary, chartTable } from "@/lib/report-chart";
import type { ChartSpec } from "@/lib/report-spec";
import { savePng, saveSvg } from "./export-chart";
import styles from "./reports.module.css";

type Instance = { renderToSVGString(): string; dispose(): void; resize(): void };

/**
 * One declared chart: drawn as SVG by ECharts (loaded on demand), read out as one sentence
 * (role="img"), with its data as a table below (thresholds breached marked in words, not
 * only in red) and PNG/SVG export. A `table` chart is the table alone.
 */
export function ReportChart({
  chart,
  records,
}: {
  chart: ChartSpec;
  records: Record<string, unknown>[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const instance = useRef<Instance | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const titleId = useId();
  const drawn = chart.type !== "table";

  useEffect(() => {
    if (!drawn || !box.current) return;
    const element = box.current;
    let disposed = false;
    let observer: ResizeObserver | null = null;
    import("./echarts")
      .then(({ echarts }) => {
        if (disposed) return;
        const chartInstance = echarts.init(element, null, { renderer: "svg" });
        chartInstance.setOption(chartOption(chart, records));
        instance.current = chartInstance;
        observer = new ResizeObserver(() => chartInstance.resize());
        observer.observe(element);
      })
      .catch(() => setProblem("The chart could not be drawn; the table below has its data."));
    return () => {
      disposed = true;
      observer?.disconnect();
      instance.current?.dispose();
      instance.current = null;
    };
  }, [chart, records, drawn]);

  const table = chartTable(chart, records);
  const exportAs = (kind: "png" | "svg") => {
    const current = instance.current;
    const element = box.current;
    if (!current || !element) return;
    const svg = current.renderToSVGString();
    if (kind === "svg") saveSvg(svg, chart.title);
    else void savePng(svg, element.clientWidth, element.clientHeight, chart.title);
  };

  return (
    <figure className={styles.chart} aria-labelledby={titleId}>
      <figcaption id={titleId} className={styles.chartTitle}>
        {chart.title}
      </figcaption>
      {drawn ? (
        <>
          <div
            ref={box}
            className={styles.canvas}
            role="img"
            aria-label={chartSummary(chart, records)}
            data-chart={chart.title}
          />
          {problem ? <p className="muted">{problem}</p> : null}
          <div className={styles.exports}>
            <button type="button" className="btn btn-small" onClick={() => exportAs("png")}>
              Save PNG
            </button>
            <button type="button" className="btn btn-small" onClick={() => exportAs("svg")}>
              Save SVG
            </button>
          </div>
        </>
      ) : null}
      <details open={!drawn} className={styles.data}>
        <summary>{drawn ? "Data table" : `${records.length} rows`}</summary>
        <div className="table-frame">
          <table className="table">
            <caption className="sr-only">{chart.title}</caption>
            <thead>
              <tr>
                {table.columns.map((column) => (
                  <th key={column} scope="col">
                    {column}
                  </th>
                ))}
                {chart.thresholds.length > 0 ? <th scope="col">Thresholds</th> : null}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, i) => (
                <tr key={i} className={row.flagged.length > 0 ? styles.flagged : undefined}>
                  {row.cells.map((cell, j) => (
                    <td key={j}>{cell}</td>
                  ))}
                  {chart.thresholds.length > 0 ? (
                    <td>{row.flagged.length > 0 ? `⚠ ${row.flagged.join("; ")}` : "ok"}</td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
