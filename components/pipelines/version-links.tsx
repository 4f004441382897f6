import Link from "next/link";
import type { PipelineVersionSummary } from "@/lib/contract/pipelines";
import styles from "./version-links.module.css";

/** Links to each version of a pipeline (newest first); development versions are marked. */
export function VersionLinks({
  name,
  versions,
  latest,
  current,
  label,
}: {
  name: string;
  versions: readonly PipelineVersionSummary[];
  latest: string | null;
  /** The version shown on this page, if any. */
  current?: string;
  label: string;
}) {
  return (
    <ul className={styles.list} aria-label={label}>
      {versions.map((v) => {
        const isCurrent = v.version === current;
        return (
          <li key={v.version}>
            <Link
              href={`/pipelines/${encodeURIComponent(name)}?version=${encodeURIComponent(v.version)}`}
              className={`${styles.version} ${isCurrent ? styles.current : ""}`}
              aria-current={isCurrent ? "page" : undefined}
            >
              <code>{v.version}</code>
              {v.version === latest ? <span className="tag-latest">latest</span> : null}
              {v.isDev ? <span className="tag-dev">dev</span> : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
