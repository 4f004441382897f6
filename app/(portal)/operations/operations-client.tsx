"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { ErrorAlert } from "@/components/ui/error-alert";
import { RelativeTime } from "@/components/ui/relative-time";
import { useLiveList } from "@/components/ui/use-change-feed";
import { RunsPerHourChart } from "@/components/operations/runs-per-hour-chart";
import type { OperationsView } from "@/lib/contract/operations";
import { DataTable } from "@/components/ui/data-table";
import { DeploymentChecks } from "./deployment-checks";
import { FailingLists } from "./failing-lists";
import { DrainWorkerDialog, ReloadProgress, ReloadWorkersDialog } from "./worker-reload";
import styles from "./operations.module.css";

/**
 * Workers' heartbeats, the beat and queue counts are not on the change feed: the view is
 * also read this often (a run's change, on the feed, makes it read at once).
 */
const REFRESH_MS = 30_000;
/** How often the view is read while the workers are being reloaded. */
const RELOAD_REFRESH_MS = 2000;

/** Live view of the platform: read again on each change of a run, and every 30 s. */
export function OperationsClient({
  initial,
  version,
}: {
  initial: OperationsView;
  version: number | null;
}) {
  const [view, setView] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [draining, setDraining] = useState<OperationsView["workers"][number] | null>(null);
  const [reloadAsked, setReloadAsked] = useState(false);

  useLiveList<OperationsView>({
    url: "/api/v1/operations",
    version,
    // As often as the 5 s poll did at most, while runs change.
    minIntervalMs: 5000,
    everyMs: REFRESH_MS,
    onAnswer: (body) => {
      if (body) setView(body);
      setError(
        body ? null : "Could not refresh: the server did not answer. Showing the last view.",
      );
    },
  });

  async function toggleIntake() {
    const paused = !view.intake.paused;
    const question = paused
      ? "Pause intake? Workers finish what they run and start nothing new; submissions still queue."
      : "Resume intake? Workers start taking queued runs again.";
    if (!window.confirm(question)) return;
    setBusy(true);
    const response = await fetch("/api/v1/operations/intake", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ paused }),
    }).catch(() => null);
    setBusy(false);
    if (!response?.ok) {
      setError("The intake switch was not changed: the server refused or did not answer.");
      return;
    }
    const intake = (await response.json()) as OperationsView["intake"];
    setView((current) => ({ ...current, intake }));
  }

  /** Reads the view again now (after a drain or reload was asked). */
  async function refresh() {
    const response = await fetch("/api/v1/operations", { cache: "no-store" }).catch(() => null);
    if (response?.ok) setView((await response.json()) as OperationsView);
  }

  const { workers, beat, queue, runs, intake, email } = view;
  const reloading = view.reload !== null && view.reload.finishedAt === null;
  // A reload's progress is not on the change feed: follow it every 2 s while it goes on.
  useEffect(() => {
    if (!reloading) return;
    const timer = setInterval(() => void refresh(), RELOAD_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reloading]);
  const capacity = workers.reduce((sum, w) => sum + w.concurrency, 0);
  const busySlots = workers.reduce((sum, w) => sum + w.running.length, 0);
  return (
    <main>
      <div className="page-header">
        <div>
          <h1>Operations</h1>
          <p className="muted">
            Updated <RelativeTime iso={view.at} />; follows runs live, workers every{" "}
            {REFRESH_MS / 1000} s.
          </p>
        </div>
      </div>
      <ErrorAlert message={error} />
      <section className={styles.tiles} aria-label="Summary">
        <div className={`card ${styles.tile}`}>
          <span className={styles.label}>Intake</span>
          <strong className={intake.paused ? styles.bad : styles.good}>
            {intake.paused ? "Paused" : "Running"}
          </strong>
          <span className="muted">
            {intake.by ? (
              <>
                by {intake.by} <RelativeTime iso={intake.at} />
              </>
            ) : (
              "never paused"
            )}
          </span>
          <button type="button" className="btn" disabled={busy} onClick={() => void toggleIntake()}>
            {intake.paused ? "Resume intake" : "Pause intake"}
          </button>
        </div>
        <div className={`card ${styles.tile}`}>
          <span className={styles.label}>Workers</span>
          <strong className={workers.length === 0 ? styles.bad : undefined}>
            {workers.length}
          </strong>
          <span className="muted">
            {busySlots} of {capacity} slots busy
          </span>
        </div>
        <div className={`card ${styles.tile}`}>
          <span className={styles.label}>Beat</span>
          <strong className={beat ? styles.good : styles.bad}>{beat ? "Active" : "None"}</strong>
          <span className="muted">
            {beat ? (
              <>
                {beat.host} pid {beat.pid}, <RelativeTime iso={beat.lastHeartbeat} />
              </>
            ) : (
              "no beat heartbeat: schedules, recovery and reconcile are not running"
            )}
          </span>
        </div>
        <div className={`card ${styles.tile}`}>
          <span className={styles.label}>E-mail</span>
          <strong className={email.enabled ? styles.good : styles.bad}>
            {email.enabled ? "On" : "Off"}
          </strong>
          <span className="muted">
            {email.enabled
              ? `${email.pending} waiting · ${email.failedLastDay} given up today`
              : "no SMTP_URL: end-of-run notifications are off"}
          </span>
        </div>
        <div className={`card ${styles.tile}`}>
          <span className={styles.label}>Queue (Redis)</span>
          {queue ? (
            <>
              <strong>{queue.waiting}</strong>
              <span className="muted">
                waiting · {queue.active} active · {queue.delayed} delayed
              </span>
            </>
          ) : (
            <strong className={styles.bad}>Redis does not answer</strong>
          )}
        </div>
        <div className={`card ${styles.tile}`}>
          <span className={styles.label}>Runs (MySQL)</span>
          <strong>{(runs.queued ?? 0) + (runs.running ?? 0)}</strong>
          <span className="muted">
            {runs.queued ?? 0} queued · {runs.running ?? 0} running · {runs.held ?? 0} held ·{" "}
            {runs.cancelling ?? 0} cancelling
          </span>
        </div>
      </section>

      <FailingLists lists={view.failingLists} />

      <section aria-labelledby="per-hour" className="card">
        <h2 id="per-hour" className={styles.heading}>
          Finished runs per hour (last 24 hours)
        </h2>
        <RunsPerHourChart hours={view.perHour} />
      </section>

      <section aria-labelledby="workers-title">
        <h2 id="workers-title">Workers</h2>
        {view.reload && <ReloadProgress reload={view.reload} />}
        {workers.length > 0 && (
          <p>
            <button
              type="button"
              className="btn"
              disabled={reloading}
              onClick={() => setReloadAsked(true)}
            >
              Reload all workers
            </button>
          </p>
        )}
        {workers.length === 0 ? (
          <p className="card">
            No worker has sent a heartbeat in the last 15 seconds: queued runs wait. Start one with{" "}
            <code>npm start</code> (or <code>node dist/worker.cjs</code>).
          </p>
        ) : (
          <DataTable
            boxClassName="card table-box"
            columns={["Worker", "Host", "Pid", "Running", "Up since", "Last heartbeat", ""]}
          >
            {workers.map((w) => (
              <tr key={w.id}>
                <td>
                  <code>{w.id}</code>
                </td>
                <td>{w.host}</td>
                <td>{w.pid}</td>
                <td>
                  {w.running.length} / {w.concurrency}
                  {w.running.map((id) => (
                    <Link key={id} href={`/runs/${id}`} className={styles.runLink}>
                      {id.slice(-8)}
                    </Link>
                  ))}
                </td>
                <td>
                  <RelativeTime iso={w.startedAt} />
                </td>
                <td>
                  <RelativeTime iso={w.lastHeartbeat} />
                </td>
                <td>
                  <button
                    type="button"
                    className="btn"
                    aria-label={`Drain ${w.id}`}
                    onClick={() => setDraining(w)}
                  >
                    Drain
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      {draining && (
        <DrainWorkerDialog
          worker={draining}
          onClose={(drained) => {
            setDraining(null);
            if (drained) void refresh();
          }}
        />
      )}
      {reloadAsked && (
        <ReloadWorkersDialog
          count={workers.length}
          onClose={(asked) => {
            setReloadAsked(false);
            if (asked) void refresh();
          }}
        />
      )}

      {view.slurm && <SlurmQueue slurm={view.slurm} />}

      <DeploymentChecks />
    </main>
  );
}

/** Runport's jobs in Slurm as the workers last saw them, and whether Slurm answers them. */
function SlurmQueue({ slurm }: { slurm: NonNullable<OperationsView["slurm"]> }) {
  return (
    <section aria-labelledby="slurm-title">
      <h2 id="slurm-title">Slurm queue</h2>
      <ul className="card">
        {slurm.workers.map((w) => (
          <li key={w.workerId}>
            <code>{w.workerId}</code>:{" "}
            {w.answers ? (
              "the Slurm commands answer"
            ) : (
              <strong className={styles.bad}>the Slurm commands do not answer: {w.error}</strong>
            )}{" "}
            (<RelativeTime iso={w.at} />)
          </li>
        ))}
      </ul>
      {slurm.jobs.length === 0 ? (
        <p className="card">No Runport job in Slurm.</p>
      ) : (
        <DataTable
          boxClassName="card table-box"
          columns={["Job", "Run", "State", "Reason", "Node", "Elapsed", "Worker"]}
        >
          {slurm.jobs.map((job) => (
            <tr key={job.jobId}>
              <td>
                <code>{job.jobId}</code>
              </td>
              <td>
                {job.runId ? (
                  <Link href={`/runs/${job.runId}`}>
                    {job.runId.slice(-8)} #{job.attempt}
                  </Link>
                ) : (
                  "—"
                )}
              </td>
              <td>{job.state}</td>
              <td>{job.reason}</td>
              <td>{job.node}</td>
              <td>{job.elapsed}</td>
              <td>
                <code>{job.workerId}</code>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
