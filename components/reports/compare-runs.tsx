"use client";

import { useEffect, useState } from "react";
import type { ReportSpec } from "@/lib/report-spec";
import { ReportChart } from "./report-chart";
import styles from "./reports.module.css";
import { loadReport, type Loaded } from "./run-report";

export interface ComparedRun {
  id: string;
  label: string;
  version: string;
}

/** Each chart of the report once per run, in a row that scrolls sideways when narrow. */
export function CompareRuns({ report, runs }: { report: ReportSpec; runs: ComparedRun[] }) {
  const [loaded, setLoaded] = useState<Record<string, Loaded>>({});
  useEffect(() => {
    const controller = new AbortController();
    for (const run of runs) {
      loadReport(run.id, report, controller.signal)
        .then((data) => setLoaded((current) => ({ ...current, [run.id]: data })))
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          const problem = error instanceof Error ? error.message : String(error);
          setLoaded((current) => ({ ...current, [run.id]: { problem } }));
        });
    }
    return () => controller.abort();
  }, [report, runs]);

  return report.charts.map((chart, i) => (
    <section key={i} aria-label={chart.title}>
      <h2>{chart.title}</h2>
      <div className={styles.compareRow}>
        {runs.map((run) => {
          const data = loaded[run.id];
          return (
            <div key={run.id}>
              <h3 className={styles.runHeading}>
                <a href={`/runs/${run.id}`}>{run.label}</a>{" "}
                <span className="muted">{run.version}</span>
              </h3>
              {data === undefined ? <p className="muted">Loading…</p> : null}
              {data && "problem" in data ? <p className="muted">{data.problem}</p> : null}
              {data && "records" in data ? (
                <ReportChart chart={chart} records={data.records[i] ?? []} />
              ) : null}
            </div>
          );
        })}
      </div>
    </section>
  ));
}
