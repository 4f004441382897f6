"use client";

import { useCallback, useEffect, useState } from "react";
import { ErrorAlert } from "@/components/ui/error-alert";
import type { OutputPreview as Preview } from "@/lib/contract/outputs";
import { formatBytes } from "@/lib/outputs/format-bytes";
import { JsonTree } from "./json-tree";
import { MarkdownView } from "./markdown-view";
import styles from "./previews.module.css";
import { TableView } from "./table-view";
import { TextView } from "./text-view";

/** Rows of a table fetched per page. */
const PAGE_ROWS = 200;

/** Fetches one output's preview (GET .../preview); throws the problem's detail. */
export async function fetchPreview(
  runId: string,
  outputId: number,
  query = "",
  signal?: AbortSignal,
): Promise<Preview> {
  const response = await fetch(`/api/v1/runs/${runId}/outputs/${outputId}/preview${query}`, {
    cache: "no-store",
    signal,
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new Error(body.detail ?? `The preview could not be loaded (${response.status})`);
  }
  return (await response.json()) as Preview;
}

/** The preview of one output, by kind; the download stays the way to the whole file. */
export function OutputPreview({ runId, outputId }: { runId: string; outputId: number }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);

  const load = useCallback(
    (offset: number, signal?: AbortSignal) => {
      setBusy(true);
      fetchPreview(runId, outputId, `?offset=${offset}&rows=${PAGE_ROWS}`, signal)
        .then((next) => {
          setPreview(next);
          setProblem(null);
        })
        .catch((error: unknown) => {
          if (!signal?.aborted) setProblem(error instanceof Error ? error.message : String(error));
        })
        .finally(() => setBusy(false));
    },
    [runId, outputId],
  );

  useEffect(() => {
    const controller = new AbortController();
    load(0, controller.signal);
    return () => controller.abort();
  }, [load]);

  if (problem) return <ErrorAlert message={problem} />;
  if (!preview) return <p className="muted">Loading the preview…</p>;
  return <PreviewBody preview={preview} onPage={(offset) => load(offset)} busy={busy} />;
}

function PreviewBody({
  preview,
  onPage,
  busy,
}: {
  preview: Preview;
  onPage: (offset: number) => void;
  busy: boolean;
}) {
  const label = `Preview of ${preview.path}`;
  switch (preview.kind) {
    case "table":
      return <TableView page={preview} pageRows={PAGE_ROWS} onPage={onPage} busy={busy} />;
    case "json":
      return <JsonTree value={preview.value} label={label} />;
    case "text":
    case "markdown":
      return (
        <>
          {preview.kind === "text" ? (
            <TextView text={preview.text} label={label} />
          ) : (
            <MarkdownView text={preview.text} />
          )}
          {preview.truncated ? (
            <p className="muted">
              The first {formatBytes(preview.text.length)} of {formatBytes(preview.size)}: download
              the file for the rest.
            </p>
          ) : null}
        </>
      );
    case "image":
      return <img className={styles.image} src={preview.src} alt={label} />;
    case "html":
      return (
        <iframe
          className={styles.frame}
          src={preview.src}
          title={label}
          sandbox={preview.scripts ? "allow-scripts" : ""}
          referrerPolicy="no-referrer"
        />
      );
    case "too-large":
      return (
        <p className="muted">
          {preview.path} ({formatBytes(preview.size)}) is over the preview limit of{" "}
          {preview.previewKind === "table"
            ? `${preview.limit.toLocaleString()} characters per row`
            : formatBytes(preview.limit)}
          : download it.
        </p>
      );
    case "none":
      return <p className="muted">No preview for this kind of file: download it.</p>;
  }
}
