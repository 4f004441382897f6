"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { LogViewer } from "@/components/log-viewer/log-viewer";
import { useLiveLog, type LiveRunState } from "@/components/log-viewer/use-live-log";
import { OutputsList } from "@/components/runs/outputs-list";
import { RunReport } from "@/components/reports/run-report";
import type { ReportSpec } from "@/lib/report-spec";
import { RunWarnings } from "@/components/runs/run-warnings";
import { ErrorAlert } from "@/components/ui/error-alert";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatDuration, RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { RunView } from "@/lib/contract/runs";
import type { OutputView } from "@/lib/contract/outputs";
import { isTerminal, type RunStatus } from "@/lib/run-status";
import { CancelButton } from "./cancel-button";
import { CopyButton } from "@/components/ui/copy-button";
import { Timeline } from "./timeline";
import styles from "./run.module.css";

/** Long logs start this close to their end; the download has everything. */
const TAIL_BYTES = 4 * 1024 * 1024;

interface Props {
  initial: RunView;
  initialOutputs: OutputView[];
  /** The report the pipeline declares (pipeline.json `report`), shown once the run succeeded. */
  report: ReportSpec | null;
  canManage: boolean;
  canSubmit: boolean;
  origin: string;
  username: string;
}

/** The run page's live part: its state and log follow the run over one SSE stream. */
export function RunClient({
  initial,
  initialOutputs,
  report,
  canManage,
  canSubmit,
  origin,
  username,
}: Props) {
  const router = useRouter();
  const [run, setRun] = useState<RunView>(initial);
  const [error, setError] = useState<string | null>(null);
  const startAt = Math.max(0, initial.logBytes - TAIL_BYTES);

  const refresh = useCallback(async () => {
    const response = await fetch(`/api/v1/runs/${initial.id}`, { cache: "no-store" }).catch(
      () => null,
    );
    if (response?.ok) setRun((await response.json()) as RunView);
  }, [initial.id]);

  const onState = useCallback(
    (state: LiveRunState) => {
      setRun((current) => {
        const changed = current.status !== state.status || current.attempt !== state.attempt;
        if (changed) void refresh(); // events and attempts of the new state
        return {
          ...current,
          status: state.status as RunStatus,
          attempt: state.attempt,
          exitCode: state.exitCode,
          error: state.error,
          startedAt: state.startedAt,
          finishedAt: state.finishedAt,
          progress:
            state.progressPercent !== null || state.progressMessage !== null
              ? { percent: state.progressPercent, message: state.progressMessage }
              : current.progress,
        };
      });
    },
    [refresh],
  );
  const log = useLiveLog(initial.id, startAt, onState);

  /** POSTs an action on the run; a refusal's detail (or a network failure) is shown. */
  async function post(action: "cancel" | "release" | "retry") {
    setError(null);
    const response = await fetch(`/api/v1/runs/${run.id}/${action}`, { method: "POST" }).catch(
      () => null,
    );
    if (!response?.ok) {
      const problem = response
        ? ((await response.json().catch(() => null)) as { detail?: string } | null)
        : null;
      setError(problem?.detail ?? "The server could not be reached; try again.");
    }
    return response?.ok ? response : null;
  }

  async function act(action: "cancel" | "release") {
    await post(action);
    await refresh();
    router.refresh();
    // The button that was pressed may be gone: keep the keyboard focus on the page.
    document.getElementById("run-title")?.focus();
  }

  /** Retry: a new run of the same request, linked to this one; its page opens. */
  async function retry() {
    const response = await post("retry");
    if (response) router.push(`/runs/${((await response.json()) as { id: string }).id}`);
  }

  const config = JSON.stringify(run.config ?? {}, null, 2);
  const curl = [
    `curl --user ${username}:$RUNPORT_TOKEN -H 'Content-Type: application/json' \\`,
    `  ${origin}/api/v1/runs --data-binary @- <<'JSON'`,
    JSON.stringify(
      { pipeline: run.pipeline, ...(run.name ? { name: run.name } : {}), config: run.config },
      null,
      2,
    ),
    "JSON",
  ].join("\n");
  const finished = isTerminal(run.status);
  const notice =
    log.skippedBytes > 0
      ? "the log starts near its end"
      : log.dropped > 0
        ? `${log.dropped.toLocaleString()} older lines left out`
        : null;

  return (
    <main>
      <div className="page-header">
        <div>
          <p className={styles.crumbs}>
            <Link href="/runs">Runs</Link> / <code>{run.id}</code>
          </p>
          <h1 id="run-title" tabIndex={-1} className={styles.title}>
            {run.name ?? run.id} <StatusBadge status={run.status} />
          </h1>
          <p className="muted">
            <code>{run.pipeline}</code> · submitted by {run.submitter}{" "}
            <RelativeTime iso={run.createdAt} /> · {run.trigger}
            {run.trigger === "event" && run.labels.event ? (
              <>
                {" "}
                · started by the event{" "}
                <Link href={`/events/${encodeURIComponent(run.labels.event)}`}>
                  {run.labels.event}
                </Link>
              </>
            ) : null}
            {run.retryOf ? (
              <>
                {" "}
                · re-run of <Link href={`/runs/${run.retryOf}`}>{run.retryOf}</Link>
              </>
            ) : null}
          </p>
        </div>
        <div className="row">
          {canManage && run.status === "held" ? (
            <button type="button" className="btn" onClick={() => void act("release")}>
              Release
            </button>
          ) : null}
          {canManage && !finished && run.status !== "cancelling" ? (
            <CancelButton onConfirm={() => act("cancel")} />
          ) : null}
          {canSubmit && canManage && finished ? (
            <button type="button" className="btn" onClick={() => void retry()}>
              Retry
            </button>
          ) : null}
          {canSubmit ? (
            <Link
              className="btn"
              href={`/new?rerun=${run.id}`}
              title="Open the editor with this run's config"
            >
              Re-run…
            </Link>
          ) : null}
          <CopyButton text={curl} label="the run as a curl command">
            Copy as curl
          </CopyButton>
        </div>
      </div>
      <ErrorAlert message={error} />
      <section className={`card ${styles.facts}`} aria-label="Run details">
        <div>
          <span className={styles.label}>Progress</span>
          <ProgressBar
            percent={run.progress?.percent ?? (run.status === "succeeded" ? 100 : 0)}
            message={run.progress?.message ?? null}
          />
        </div>
        <div>
          <span className={styles.label}>Duration</span>
          {formatDuration(run.startedAt, run.finishedAt)}
        </div>
        <div>
          <span className={styles.label}>Attempt</span>
          {run.attempt} of {run.maxAttempts}
        </div>
        <div>
          <span className={styles.label}>Exit code</span>
          {run.exitCode ?? "—"}
        </div>
        {run.listVersions && run.listVersions.length > 0 ? (
          <div>
            <span className={styles.label}>Checked against</span>
            <ul className={styles.listVersions} aria-label="Reference list versions">
              {run.listVersions.map((v) => (
                <li key={v.list}>
                  <code>{v.list}</code> version {v.versionId}
                  {v.count === null ? (
                    <span className="muted"> (no longer kept)</span>
                  ) : (
                    <span className="muted">
                      {" "}
                      ({v.count.toLocaleString("en")} values, read{" "}
                      <RelativeTime iso={v.createdAt} />)
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {Object.keys(run.labels).length > 0 ? (
          <div>
            <span className={styles.label}>Labels</span>
            {Object.entries(run.labels).map(([k, v]) => (
              <code key={k} className={styles.tag}>
                {k}:{v}
              </code>
            ))}
          </div>
        ) : null}
      </section>
      {run.error ? (
        <div className="alert alert-error" role="alert">
          <strong>{run.status === "error" ? "Platform error" : "Why it ended"}:</strong> {run.error}
        </div>
      ) : null}
      <RunWarnings warnings={run.warnings ?? []} />
      {report && run.status === "succeeded" ? <RunReport runId={run.id} report={report} /> : null}
      <OutputsList
        runId={run.id}
        initial={initialOutputs}
        // Outputs are recorded as an attempt ends, before its outcome: look again then.
        refreshKey={`${run.attempt}:${finished}`}
        finished={finished}
      />
      <h2>Log</h2>
      <LogViewer
        lines={log.lines}
        version={log.version}
        firstLineNumber={log.dropped}
        downloadHref={`/api/v1/runs/${run.id}/logs?download=true`}
        notice={log.problem ?? notice}
        connection={log.ended ? "finished" : log.connected ? "live" : "reconnecting"}
      />
      <div className={styles.columns}>
        <section>
          <h2>Timeline</h2>
          <Timeline events={run.events ?? []} attempts={run.attempts ?? []} />
        </section>
        <section>
          <div className="row" style={{ justifyContent: "space-between" }}>
            <h2>Config</h2>
            <CopyButton text={config} label="the config" />
          </div>
          <pre className={styles.config} aria-label="Config (read-only)">
            {config}
          </pre>
        </section>
      </div>
    </main>
  );
}
