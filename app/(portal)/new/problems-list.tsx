"use client";

import type { FieldProblem } from "@/components/ui/api-client";
import styles from "./new-run.module.css";

/** The problems under the editor; a located one jumps to its place when chosen. */
export function ProblemsList({
  problems,
  onSelect,
}: {
  problems: FieldProblem[];
  onSelect: (line: number, column: number) => void;
}) {
  if (problems.length === 0) return null;
  return (
    <section aria-labelledby="problems-title" className={`card ${styles.problems}`}>
      <h2 id="problems-title" className={styles.problemsTitle}>
        Problems ({problems.length})
      </h2>
      <ol id="problems" tabIndex={-1} className={styles.problemList}>
        {problems.map((p, i) => {
          const where = p.line !== undefined ? `Line ${p.line}, column ${p.column ?? 1}` : "";
          const text = (
            <>
              {where ? <span className={styles.where}>{where}</span> : null}
              {p.path ? <code className={styles.path}>{p.path}</code> : null}
              <span>{p.message}</span>
            </>
          );
          return (
            <li key={`${p.path}-${i}`}>
              {p.line !== undefined ? (
                <button
                  type="button"
                  className={styles.problem}
                  onClick={() => onSelect(p.line!, p.column ?? 1)}
                >
                  {text}
                </button>
              ) : (
                <div className={styles.problem}>{text}</div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
