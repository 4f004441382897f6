import type { ProblemItem } from "@/lib/contract/problem";
import styles from "./run-warnings.module.css";

function placeOf(warning: ProblemItem): string {
  if (warning.cell) return ` (${warning.cell})`;
  if (warning.line !== undefined) return ` (line ${warning.line}, column ${warning.column ?? 1})`;
  return "";
}

/**
 * What validation said about the run's config without refusing it: properties the
 * pipeline's schema does not declare (its `unknownProperties` is `warn`), each with its
 * JSON Pointer and where it was in the submitted document or workbook.
 */
export function RunWarnings({ warnings }: { warnings: ProblemItem[] }) {
  if (warnings.length === 0) return null;
  const count = warnings.length === 1 ? "1 warning" : `${warnings.length} warnings`;
  return (
    <section className={styles.box} aria-label="Warnings">
      <strong>{count} at submission</strong>: accepted, passed to the pipeline as they were.
      <ul className={styles.list}>
        {warnings.map((w, i) => (
          <li key={i}>
            <code className={styles.path}>{w.path}</code>
            {placeOf(w)}: {w.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
