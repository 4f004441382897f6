import styles from "./progress-bar.module.css";

/** A percentage as a bar with its number; the message, when any, says what is happening. */
export function ProgressBar({
  percent,
  message,
}: {
  percent: number | null;
  message?: string | null;
}) {
  const value = Math.max(0, Math.min(100, percent ?? 0));
  return (
    <div className={styles.wrap}>
      <div
        className={styles.track}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(value)}
        aria-label={message ?? "Progress"}
      >
        <div className={styles.fill} style={{ width: `${value}%` }} />
      </div>
      <span className={styles.number}>{Math.round(value)}%</span>
      {message ? <span className={styles.message}>{message}</span> : null}
    </div>
  );
}
