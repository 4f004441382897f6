"use client";

import Link from "next/link";
import { useState } from "react";
import { StatusBadge } from "@/components/ui/status-badge";
import { usePolling } from "@/components/ui/use-polling";
import { canManageAllRuns, canSeeAllRuns, type UserRole } from "@/lib/roles";
import type { ScheduleList, ScheduleView } from "@/lib/contract/schedules";
import { CreateScheduleForm } from "./create-schedule-form";
import type { PipelineChoice } from "./schedule-form";
import { DeleteScheduleDialog } from "./delete-schedule-dialog";
import { FireTime } from "./fire-time";
import { callApiText, messageOf } from "@/components/ui/api-client";
import { ACTIONS, DataTable } from "@/components/ui/data-table";
import styles from "./schedules.module.css";

interface Props {
  initial: ScheduleView[];
  viewer: { username: string; role: UserRole };
  mayCreate: boolean;
  pipelines: PipelineChoice[];
  beatIntervalSeconds: number;
}

const POLL_MS = 15_000;

/** The schedules table (refreshed every 15 s while visible) and the create form. */
export function SchedulesClient({
  initial,
  viewer,
  mayCreate,
  pipelines,
  beatIntervalSeconds,
}: Props) {
  const [items, setItems] = useState(initial);
  const [deleting, setDeleting] = useState<ScheduleView | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [showForm, setShowForm] = useState(false);

  usePolling<ScheduleList>("/api/v1/schedules", POLL_MS, (list) => list && setItems(list.items));

  const mayManage = (s: ScheduleView) =>
    (s.owner === viewer.username && viewer.role !== "viewer") || canManageAllRuns(viewer.role);
  const replace = (next: ScheduleView) =>
    setItems((all) => all.map((s) => (s.id === next.id ? next : s)));

  async function toggle(schedule: ScheduleView) {
    setBusy(schedule.id);
    setNotice(null);
    try {
      const body = JSON.stringify({ enabled: !schedule.enabled });
      const changed = await callApiText<ScheduleView>("PATCH", schedule.links.self, body);
      if (changed) replace(changed);
    } catch (error) {
      setNotice({ ok: false, text: `“${schedule.name}” was not changed: ${messageOf(error)}` });
    } finally {
      setBusy(null);
    }
  }

  return (
    <main>
      <div className="page-header">
        <div>
          <h1>Schedules</h1>
          <p className="muted">
            {items.length} schedule{items.length === 1 ? "" : "s"} · each fire submits one run as
            the schedule&apos;s owner · times are in each schedule&apos;s time zone
          </p>
        </div>
        {mayCreate ? (
          <button
            type="button"
            className="btn btn-primary"
            aria-expanded={showForm}
            aria-controls="create-schedule"
            onClick={() => setShowForm((v) => !v)}
          >
            {showForm ? "Close the form" : "New schedule"}
          </button>
        ) : null}
      </div>
      {notice ? (
        <div
          className={`alert ${notice.ok ? "alert-ok" : "alert-error"} ${styles.notice}`}
          role={notice.ok ? "status" : "alert"}
        >
          {notice.text}
        </div>
      ) : null}
      {mayCreate && showForm ? (
        <section
          id="create-schedule"
          className={`card ${styles.createCard}`}
          aria-labelledby="create-schedule-title"
        >
          <h2 id="create-schedule-title" className={styles.sectionTitle}>
            New schedule
          </h2>
          {pipelines.length === 0 ? (
            <p className="muted">No pipeline is registered yet.</p>
          ) : (
            <CreateScheduleForm
              pipelines={pipelines}
              beatIntervalSeconds={beatIntervalSeconds}
              onCreated={(created) => {
                setItems((all) => [...all, created].sort((a, b) => a.name.localeCompare(b.name)));
                setShowForm(false);
                setNotice({ ok: true, text: `Created “${created.name}”.` });
              }}
            />
          )}
        </section>
      ) : null}
      {items.length === 0 ? (
        <div className="card empty-state">
          <h2>No schedules yet</h2>
          <p className="muted">
            A schedule submits a run of a pipeline at the times of a cron expression, e.g. every
            weekday at 02:00.
          </p>
        </div>
      ) : (
        <DataTable
          boxClassName="card table-box"
          columns={["Schedule", "Pipeline", "When", "Next fire", "Last fire", "Enabled", ACTIONS]}
        >
          {items.map((s) => (
            <tr key={s.id} className={s.enabled ? undefined : styles.disabled}>
              <th scope="row" className={styles.nameCell}>
                {s.name}
                {canSeeAllRuns(viewer.role) ? <div className={styles.small}>{s.owner}</div> : null}
                {s.lastError ? (
                  <div className={styles.lastError}>
                    <span className="sr-only">Last problem: </span>
                    {s.lastError}
                  </div>
                ) : null}
              </th>
              <td className="nowrap">
                <code>{s.pipeline}</code>
              </td>
              <td>
                <div>{s.description}</div>
                <div className={styles.small}>
                  <code>{s.cron}</code> · {s.timeZone}
                  {s.missedPolicy === "run_once" ? " · catches up once" : ""}
                </div>
              </td>
              <td className="nowrap">
                {s.enabled ? (
                  <FireTime iso={s.nextFireAt} timeZone={s.timeZone} />
                ) : (
                  <span className="muted">off</span>
                )}
              </td>
              <td className="nowrap">
                <FireTime iso={s.lastFireAt} timeZone={s.timeZone} />
                {s.lastRun ? (
                  <div>
                    <Link href={s.lastRun.links.web} aria-label={`Last run of ${s.name}`}>
                      <StatusBadge status={s.lastRun.status} />
                    </Link>
                  </div>
                ) : null}
              </td>
              <td>
                <input
                  type="checkbox"
                  role="switch"
                  className={styles.switch}
                  checked={s.enabled}
                  disabled={!mayManage(s) || busy === s.id}
                  onChange={() => void toggle(s)}
                  aria-label={`${s.name} enabled`}
                />
              </td>
              <td className="action-cell">
                {mayManage(s) ? (
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    onClick={() => setDeleting(s)}
                  >
                    Delete<span className="sr-only"> {s.name}</span>
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {deleting ? (
        <DeleteScheduleDialog
          schedule={deleting}
          onClose={(deleted) => {
            if (deleted) {
              setItems((all) => all.filter((s) => s.id !== deleting.id));
              setNotice({ ok: true, text: `Deleted “${deleting.name}”.` });
            }
            setDeleting(null);
          }}
        />
      ) : null}
    </main>
  );
}
