import type { ReactNode } from "react";
import styles from "./previews.module.css";

/** Children shown per object or array; the rest is counted (the download has it all). */
const MAX_CHILDREN = 500;

function Leaf({ value }: { value: unknown }) {
  if (value === null) return <span className={styles.jsonNull}>null</span>;
  if (typeof value === "string")
    return <span className={styles.jsonString}>{JSON.stringify(value)}</span>;
  if (typeof value === "number") return <span className={styles.jsonNumber}>{String(value)}</span>;
  return <span className={styles.jsonBool}>{value === true ? "true" : "false"}</span>;
}

function Node({ name, value, depth }: { name: ReactNode; value: unknown; depth: number }) {
  if (value === null || typeof value !== "object") {
    return (
      <li>
        {name}
        <Leaf value={value} />
      </li>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [String(i), item])
    : Object.entries(value);
  const brackets = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return (
    <li>
      <details open={depth < 2}>
        <summary>
          {name}
          <span className="muted">
            {brackets[0]}
            {entries.length} {Array.isArray(value) ? "items" : "keys"}
            {brackets[1]}
          </span>
        </summary>
        <ul className={styles.jsonList}>
          {entries.slice(0, MAX_CHILDREN).map(([key, child]) => (
            <Node
              key={key}
              name={
                <span className={styles.jsonKey}>
                  {Array.isArray(value) ? key : JSON.stringify(key)}:{" "}
                </span>
              }
              value={child}
              depth={depth + 1}
            />
          ))}
          {entries.length > MAX_CHILDREN ? (
            <li className="muted">
              … {entries.length - MAX_CHILDREN} more (download the file for all)
            </li>
          ) : null}
        </ul>
      </details>
    </li>
  );
}

/** A JSON document as a tree of native disclosure widgets: keyboard and screen-reader ready. */
export function JsonTree({ value, label }: { value: unknown; label: string }) {
  return (
    <ul className={`${styles.jsonList} ${styles.jsonRoot}`} aria-label={label}>
      <Node name={null} value={value} depth={0} />
    </ul>
  );
}
