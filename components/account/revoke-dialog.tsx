"use client";

import { useEffect, useRef, useState } from "react";
import type { ApiTokenView } from "@/lib/account-types";
import { callApi, messageOf } from "./account-api";
import styles from "./account.module.css";

interface Props {
  token: ApiTokenView;
  onClose: (revoked: boolean) => void;
}

/**
 * Asks before revoking (DELETE /api/v1/tokens/{id}). A native modal <dialog>: focus
 * stays inside, Escape cancels, and "Cancel" has the focus so Enter does no harm.
 */
export function RevokeDialog({ token, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await callApi("DELETE", `/api/v1/tokens/${token.id}`);
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
      aria-labelledby="revoke-title"
      aria-describedby="revoke-description"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose(false);
      }}
    >
      <h2 id="revoke-title" className={styles.dialogTitle}>
        Revoke “{token.name}”?
      </h2>
      <p id="revoke-description">
        Scripts that use <code>{token.prefix}…</code> will be refused at once. This cannot be
        undone: to use the API again, create a new token.
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
          onClick={() => void revoke()}
          disabled={busy}
        >
          {busy ? "Revoking…" : "Revoke token"}
        </button>
      </div>
    </dialog>
  );
}
