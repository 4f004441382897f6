"use client";

import { callApi } from "@/components/ui/api-client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RelativeTime } from "@/components/ui/relative-time";
import type { OperationsView, WorkersReload } from "@/lib/contract/operations";
import styles from "./operations.module.css";

type Worker = OperationsView["workers"][number];

/** Asks before draining one worker (POST /api/v1/operations/workers/{id}/drain). */
export function DrainWorkerDialog({
  worker,
  onClose,
}: {
  worker: Worker;
  onClose: (drained: boolean) => void;
}) {
  return (
    <ConfirmDialog
      title={<>Drain worker “{worker.id}”?</>}
      confirmLabel="Drain worker"
      busyLabel="Asking…"
      onConfirm={() =>
        callApi("POST", `/api/v1/operations/workers/${encodeURIComponent(worker.id)}/drain`)
      }
      onClose={onClose}
    >
      It takes no new runs, lets the {worker.running.length} it runs finish (or hands them back
      after WORKER_DRAIN_SECONDS), then exits; its supervisor (PM2, systemd, supervisord) starts a
      fresh one.
    </ConfirmDialog>
  );
}

/** Asks before a rolling reload (POST /api/v1/operations/workers/reload). */
export function ReloadWorkersDialog({
  count,
  onClose,
}: {
  count: number;
  onClose: (asked: boolean) => void;
}) {
  return (
    <ConfirmDialog
      title="Reload all workers?"
      confirmLabel="Reload all workers"
      busyLabel="Asking…"
      onConfirm={() => callApi("POST", "/api/v1/operations/workers/reload")}
      onClose={onClose}
    >
      The beat drains the {count} live workers one at a time: the next only when the previous one
      has exited and a new one has started. Runs go on; none is lost.
    </ConfirmDialog>
  );
}

const OUTCOMES: Record<WorkersReload["done"][number]["outcome"], string> = {
  replaced: "replaced",
  gone: "exited, no new worker started",
  timeout: "did not exit in time",
};

/** The latest rolling reload: where it stands, worker by worker. */
export function ReloadProgress({ reload }: { reload: WorkersReload }) {
  const total = reload.done.length + reload.pending.length + (reload.current ? 1 : 0);
  return (
    <div className="card" role="status" aria-label="Reload of the workers">
      <p>
        {reload.finishedAt ? (
          <>
            Reload of the workers by {reload.by} finished <RelativeTime iso={reload.finishedAt} />.
          </>
        ) : reload.startedAt ? (
          <>
            Reloading the workers ({reload.done.length} of {total} done), asked by {reload.by}.
          </>
        ) : (
          <>Reload of the workers asked by {reload.by}; waiting for the beat to take it up.</>
        )}
      </p>
      <ul>
        {reload.done.map((d) => (
          <li key={d.workerId}>
            <code>{d.workerId}</code>:{" "}
            <span className={d.outcome === "replaced" ? styles.good : styles.bad}>
              {OUTCOMES[d.outcome]}
            </span>
            {d.replacedBy && (
              <>
                {" "}
                by <code>{d.replacedBy}</code>
              </>
            )}{" "}
            in {d.seconds} s
          </li>
        ))}
        {reload.current && (
          <li>
            <code>{reload.current.workerId}</code>:{" "}
            {reload.current.goneAt ? "exited, waiting for a new worker" : "draining"}
          </li>
        )}
        {reload.pending.map((id) => (
          <li key={id}>
            <code>{id}</code>: waiting
          </li>
        ))}
      </ul>
    </div>
  );
}
