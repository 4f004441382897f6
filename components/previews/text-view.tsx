import styles from "./previews.module.css";

/** Lines rendered at most; a preview's text is already cut at 256 KiB. */
const MAX_LINES = 5000;

/** Plain text and logs with line numbers (not selectable, so a copy takes the text only). */
export function TextView({ text, label }: { text: string; label: string }) {
  const lines = text.replace(/\n$/, "").split("\n");
  return (
    <div className={styles.textBox} role="region" aria-label={label} tabIndex={0}>
      <table className={styles.textTable}>
        <tbody>
          {lines.slice(0, MAX_LINES).map((line, i) => (
            <tr key={i}>
              <td className={styles.lineNumber} aria-hidden="true" data-line={i + 1} />
              <td className={styles.lineText}>{line}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > MAX_LINES ? (
        <p className="muted">… {lines.length - MAX_LINES} more lines: download the file for all.</p>
      ) : null}
    </div>
  );
}
