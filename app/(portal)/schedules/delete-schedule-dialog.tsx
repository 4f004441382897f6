"use client";

import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { ScheduleView } from "@/lib/contract/schedules";
import { callApiText } from "@/components/ui/api-client";

/** Asks before deleting a schedule (DELETE /api/v1/schedules/{id}). */
export function DeleteScheduleDialog({
  schedule,
  onClose,
}: {
  schedule: ScheduleView;
  onClose: (deleted: boolean) => void;
}) {
  return (
    <ConfirmDialog
      title={<>Delete “{schedule.name}”?</>}
      confirmLabel="Delete schedule"
      busyLabel="Deleting…"
      onConfirm={() => callApiText("DELETE", schedule.links.self)}
      onClose={onClose}
    >
      It will not fire again. The runs it already made stay. To pause it instead, turn it off.
    </ConfirmDialog>
  );
}
