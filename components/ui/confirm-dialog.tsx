"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { messageOf } from "./api-client";
import { ErrorAlert } from "./error-alert";
import styles from "./confirm-dialog.module.css";

interface ConfirmDialogProps {
  title: ReactNode;
  /** What will happen; read out as the dialog's description. */
  children: ReactNode;
  confirmLabel: string;
  busyLabel: string;
  /** Does the thing (through the API client); a thrown error is shown in the dialog. */
  onConfirm: () => Promise<unknown>;
  onClose: (confirmed: boolean) => void;
}

/**
 * Asks before something that cannot be undone. A native modal <dialog>: focus stays
 * inside, Escape cancels, and "Cancel" has the focus so Enter does no harm.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      props.onClose(true);
    } catch (problem) {
      setError(messageOf(problem));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      className={styles.dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-description`}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) props.onClose(false);
      }}
    >
      <h2 id={`${id}-title`} className={styles.title}>
        {props.title}
      </h2>
      <p id={`${id}-description`}>{props.children}</p>
      <ErrorAlert message={error} />
      <div className={styles.actions}>
        <button
          type="button"
          className="btn"
          autoFocus
          onClick={() => props.onClose(false)}
          disabled={busy}
        >
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => void confirm()}
          disabled={busy}
        >
          {busy ? props.busyLabel : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
