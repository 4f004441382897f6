"use client";

import { useRef, useState } from "react";

/** Cancel, after a confirmation in a modal dialog (Escape or "Keep it running" backs out). */
export function CancelButton({ onConfirm }: { onConfirm: () => Promise<void> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => dialog.current?.showModal()}>
        Cancel run
      </button>
      <dialog
        ref={dialog}
        aria-labelledby="cancel-title"
        className="card"
        style={{ maxWidth: 420 }}
      >
        <h2 id="cancel-title" style={{ marginTop: 0 }}>
          Cancel this run?
        </h2>
        <p>
          A running pipeline is stopped (SIGTERM, then SIGKILL after a grace period). Its log is
          kept.
        </p>
        <div className="row" style={{ justifyContent: "flex-end" }}>
          <button type="button" className="btn" autoFocus onClick={() => dialog.current?.close()}>
            Keep it running
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void onConfirm().finally(() => {
                setBusy(false);
                dialog.current?.close();
              });
            }}
          >
            {busy ? "Cancelling…" : "Yes, cancel it"}
          </button>
        </div>
      </dialog>
    </>
  );
}
