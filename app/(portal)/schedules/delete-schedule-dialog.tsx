"use client";

import { useEffect, useRef, useState } from "react";
import type { ScheduleView } from "@/lib/schedules/schedule-types";
import { callSchedulesApi, messageOf } from "./schedules-api";
import styles from "./schedules.module.css";

interface Props {
  schedule: ScheduleView;
  onClose: (deleted: boolean) => void;
}

/**
 * Asks before deleting (DELETE /api/v1/schedules/{id}). A native modal <dialog>: focus
 * stays inside, Escape cancels, and "Cancel" has the focus so Enter does no harm.
 */
export function DeleteScheduleDialog({ schedule, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await callSchedulesApi("DELETE", schedule.links.self);
      onClose(true);
    } catch (problem) {
      setError(messageOf(problem));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      className={styles.dialog}
      aria-labelledby="delete-schedule-title"
      aria-describedby="delete-schedule-description"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose(false);
      }}
    >
      <h2 id="delete-schedule-title" className={styles.dialogTitle}>
        Delete “{schedule.name}”?
      </h2>
      <p id="delete-schedule-description">
        It will not fire again. The runs it already made stay. To pause it instead, turn it off.
      </p>
      {error ? (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      ) : null}
      <div className={styles.dialogActions}>
        <button
          type="button"
          className="btn"
          autoFocus
          onClick={() => onClose(false)}
          disabled={busy}
        >
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => void remove()}
          disabled={busy}
        >
          {busy ? "Deleting…" : "Delete schedule"}
        </button>
      </div>
    </dialog>
  );
}
