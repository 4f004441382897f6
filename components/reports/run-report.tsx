"use client";

import { useEffect, useState } from "react";
import { fetchPreview } from "@/components/previews/output-preview";
import type { OutputList } from "@/lib/contract/outputs";
import { chartRecords, type ReportSpec } from "@/lib/report-spec";
import { ReportChart } from "./report-chart";
import styles from "./reports.module.css";

/** Rows of a table source read for a report: a report is a summary, not a 50 MB table. */
const TABLE_ROWS = 5000;

export type Loaded = { records: Record<string, unknown>[][] } | { problem: string };

/**
 * Reads each output a report's charts name (newest attempt's, through the preview endpoint:
 * authorized and bounded as every preview) and turns it into each chart's records.
 */
export async function loadReport(
  runId: string,
  report: ReportSpec,
  signal: AbortSignal,
): Promise<Loaded> {
  const response = await fetch(`/api/v1/runs/${runId}/outputs`, { cache: "no-store", signal });
  if (!response.ok) return { problem: "The outputs could not be listed; reload the page." };
  const { items } = (await response.json()) as OutputList;
  const sources = [...new Set(report.charts.map((chart) => chart.source ?? report.output))];
  const data = new Map<string, Parameters<typeof chartRecords>[1]>();
  for (const source of sources) {
    // Listed newest attempt first.
    const output = items.find((item) => item.path === source && item.stored);
    if (!output)
      return { problem: `The run left no stored ${source}: there is no report to show.` };
    const preview = await fetchPreview(runId, output.id, `?rows=${TABLE_ROWS}`, signal);
    if (preview.kind === "json") data.set(source, { json: preview.value });
    else if (preview.kind === "table")
      data.set(source, { columns: preview.columns, rows: preview.rows });
    else return { problem: `${source} could not be read for the report (${preview.kind}).` };
  }
  return {
    records: report.charts.map((chart) => {
      const source = data.get(chart.source ?? report.output);
      return source ? chartRecords(chart, source) : [];
    }),
  };
}

/** The report a pipeline declares, once the run has succeeded: its charts in a grid. */
export function RunReport({ runId, report }: { runId: string; report: ReportSpec }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    loadReport(runId, report, controller.signal)
      .then(setLoaded)
      .catch((error: unknown) => {
        if (!controller.signal.aborted)
          setLoaded({ problem: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [runId, report]);

  return (
    <section aria-labelledby="report-title">
      <div className={styles.heading}>
        <h2 id="report-title">{report.title}</h2>
        <a href={`/runs/compare?ids=${runId}`}>Compare with other runs</a>
      </div>
      {loaded === null ? <p className="muted">Loading the report…</p> : null}
      {loaded && "problem" in loaded ? <p className="muted">{loaded.problem}</p> : null}
      {loaded && "records" in loaded ? (
        <div className={styles.grid}>
          {report.charts.map((chart, i) => (
            <ReportChart key={i} chart={chart} records={loaded.records[i] ?? []} />
          ))}
        </div>
      ) : null}
    </section>
  );
}
