import type { RunStatus } from "@/lib/run-status";

const BADGE: Record<RunStatus, [label: string, tone: string]> = {
  queued: ["Queued", "grey"],
  held: ["Held", "grey"],
  running: ["Running", "blue"],
  cancelling: ["Cancelling", "blue"],
  succeeded: ["Succeeded", "green"],
  failed: ["Failed", "red"],
  error: ["Error", "red"],
  cancelled: ["Cancelled", "amber"],
};

/** A run's status as a coloured word (never colour alone: the word is the information). */
export function StatusBadge({ status }: { status: RunStatus }) {
  const [label, tone] = BADGE[status];
  return <span className={`badge badge-${tone}`}>{label}</span>;
}
