import type { RunStatus } from "@/lib/run-status";
import styles from "./status-badge.module.css";

const LABEL: Record<RunStatus, string> = {
  queued: "Queued",
  held: "Held",
  running: "Running",
  cancelling: "Cancelling",
  succeeded: "Succeeded",
  failed: "Failed",
  error: "Error",
  cancelled: "Cancelled",
};

/** A run's status as a coloured word (never colour alone: the word is the information). */
export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`${styles.badge} ${styles[status] ?? ""}`}>{LABEL[status]}</span>;
}
