"use client";

import type { ApiTokenView } from "@/lib/contract/account";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { callApi } from "../ui/api-client";

/** Asks before revoking a token (DELETE /api/v1/tokens/{id}). */
export function RevokeDialog({
  token,
  onClose,
}: {
  token: ApiTokenView;
  onClose: (revoked: boolean) => void;
}) {
  return (
    <ConfirmDialog
      title={<>Revoke “{token.name}”?</>}
      confirmLabel="Revoke token"
      busyLabel="Revoking…"
      onConfirm={() => callApi("DELETE", `/api/v1/tokens/${token.id}`)}
      onClose={onClose}
    >
      Scripts that use <code>{token.prefix}…</code> will be refused at once. This cannot be undone:
      to use the API again, create a new token.
    </ConfirmDialog>
  );
}
