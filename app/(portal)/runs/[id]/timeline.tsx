import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import type { RunAttemptView, RunEventView } from "@/lib/contract/runs";
import styles from "./run.module.css";

/** Every status change of the run, oldest first, with where each attempt ran. */
export function Timeline({
  events,
  attempts,
}: {
  events: RunEventView[];
  attempts: RunAttemptView[];
}) {
  if (events.length === 0) return <p className="muted">No events yet.</p>;
  return (
    <ol className={styles.timeline}>
      {events.map((event, i) => {
        const attempt =
          event.to === "running" ? attempts.find((a) => a.attempt === event.attempt) : undefined;
        return (
          <li key={i}>
            <StatusBadge status={event.to} />
            <span className={styles.eventText}>
              {event.message ?? ""}
              {attempt?.pid ? ` (pid ${attempt.pid})` : ""}
            </span>
            <span className={styles.eventTime}>
              <RelativeTime iso={event.at} />
            </span>
          </li>
        );
      })}
    </ol>
  );
}
