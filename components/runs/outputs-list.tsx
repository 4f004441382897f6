"use client";

import { useEffect, useRef, useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { ErrorAlert } from "@/components/ui/error-alert";
import { formatBytes } from "@/lib/outputs/format-bytes";
import type { OutputList, OutputView } from "@/lib/contract/outputs";
import { DataTable } from "@/components/ui/data-table";
import { OutputPreview } from "@/components/previews/output-preview";
import { previewKind } from "@/lib/outputs/preview-kind";
import styles from "./outputs-list.module.css";

interface Props {
  runId: string;
  /** The outputs when the page was rendered. */
  initial: OutputView[];
  /** Changes when the outputs may have changed (an attempt ended): the list is fetched again. */
  refreshKey: string;
  finished: boolean;
}

/**
 * The files a run left in its outputs folder: path, size, SHA-256 (shortened, with a copy
 * button), and a download link, or "not stored" for files over the store limits. The
 * attempt is shown when the run had more than one with outputs.
 */
export function OutputsList({ runId, initial, refreshKey, finished }: Props) {
  const [items, setItems] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const loadedFor = useRef(refreshKey);
  const [previewed, setPreviewed] = useState<number | null>(null);

  useEffect(() => {
    if (loadedFor.current === refreshKey) return;
    loadedFor.current = refreshKey;
    const controller = new AbortController();
    fetch(`/api/v1/runs/${runId}/outputs`, { cache: "no-store", signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(String(response.status));
        setItems(((await response.json()) as OutputList).items);
        setProblem(null);
      })
      .catch(() => {
        if (!controller.signal.aborted)
          setProblem("The outputs could not be loaded; reload the page.");
      });
    return () => controller.abort();
  }, [runId, refreshKey]);

  const showAttempt = new Set(items.map((item) => item.attempt)).size > 1;
  const total = items.reduce((sum, item) => sum + item.size, 0);
  return (
    <section aria-labelledby="outputs-title">
      <div className={styles.heading}>
        <h2 id="outputs-title">Outputs</h2>
        {items.length > 0 ? (
          <span className={`muted ${styles.count}`}>
            {items.length} {items.length === 1 ? "file" : "files"}, {formatBytes(total)}
          </span>
        ) : null}
      </div>
      <ErrorAlert message={problem} />
      {items.length === 0 ? (
        <p className="muted">
          {finished
            ? "This run left no files in its outputs folder."
            : "Files the pipeline writes to its outputs folder are listed here when the run ends."}
        </p>
      ) : (
        <DataTable
          boxClassName={`table-frame ${styles.box}`}
          caption="Output files"
          columns={[
            "Path",
            showAttempt ? "Attempt" : null,
            "Size",
            "SHA-256",
            <span key="download" className="sr-only">
              Download
            </span>,
          ]}
        >
          {items.map((item) => (
            <OutputRow
              key={item.id}
              item={item}
              showAttempt={showAttempt}
              previewed={previewed === item.id}
              onPreview={() => setPreviewed(previewed === item.id ? null : item.id)}
            />
          ))}
        </DataTable>
      )}
      <PreviewPanel runId={runId} item={items.find((item) => item.id === previewed)} />
    </section>
  );
}

/** The output chosen with its Preview button, below the table. */
function PreviewPanel({ runId, item }: { runId: string; item: OutputView | undefined }) {
  if (!item) return null;
  return (
    <section className={styles.preview} aria-labelledby="preview-title">
      <h3 id="preview-title">
        Preview: <code>{item.path}</code>
      </h3>
      <OutputPreview key={item.id} runId={runId} outputId={item.id} />
    </section>
  );
}

function OutputRow({
  item,
  showAttempt,
  previewed,
  onPreview,
}: {
  item: OutputView;
  showAttempt: boolean;
  previewed: boolean;
  onPreview: () => void;
}) {
  return (
    <tr>
      <td className={styles.path}>
        <code>{item.path}</code>
      </td>
      {showAttempt ? <td>{item.attempt}</td> : null}
      <td className="nowrap" title={`${item.size.toLocaleString()} bytes`}>
        {formatBytes(item.size)}
      </td>
      <td>
        <span className={styles.sha}>
          <code title={item.sha256}>{item.sha256.slice(0, 12)}…</code>
          <CopyButton text={item.sha256} label={`Copy the SHA-256 of ${item.path}`} />
        </span>
      </td>
      <td className="action-cell">
        <span className={styles.actions}>
          {item.download && previewKind(item.path) !== null ? (
            <button
              type="button"
              className="btn btn-small"
              aria-pressed={previewed}
              aria-label={`Preview ${item.path}`}
              onClick={onPreview}
            >
              Preview
            </button>
          ) : null}{" "}
          {item.download ? (
            <a
              className="btn btn-small"
              href={item.download}
              download
              aria-label={`Download ${item.path}`}
            >
              Download
            </a>
          ) : (
            <span
              className="muted"
              title="Over the store limits (OUTPUT_STORE_MAX_BYTES per file, OUTPUT_STORE_RUN_MAX_BYTES per attempt): only its size and SHA-256 were recorded"
            >
              not stored (too large)
            </span>
          )}
        </span>
      </td>
    </tr>
  );
}
