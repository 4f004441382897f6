"use client";

import { useEffect, useState } from "react";
import type { PipelineDetail, PipelineSummary } from "@/lib/contract/pipelines";
import { parsePipelineRef, resolveVersion } from "@/lib/pipeline-ref";

export interface Selection {
  name: string;
  version: string;
}

/**
 * What a reference (`name`, `name@latest`, `name@1.2.0`) selects among the pipelines:
 * the selection, or why it cannot (unknown pipeline, unknown version).
 */
export function resolveSelection(
  pipelines: readonly PipelineSummary[],
  reference: string,
): { selection: Selection } | { problem: string } {
  const ref = parsePipelineRef(reference);
  const pipeline = ref ? pipelines.find((p) => p.name === ref.name) : undefined;
  if (!ref || !pipeline) return { problem: `There is no pipeline "${reference}".` };
  const version = resolveVersion(pipeline.versions, ref.selector);
  if (!version) {
    const known = pipeline.versions.map((v) => v.version).join(", ");
    return { problem: `${pipeline.name} has no version "${ref.selector}" (it has ${known}).` };
  }
  return { selection: { name: pipeline.name, version } };
}

/** The first pipeline's latest version: where the page starts when nothing is asked for. */
export function defaultSelection(pipelines: readonly PipelineSummary[]): Selection | null {
  const first = pipelines[0];
  const version = first ? (first.latest ?? first.versions[0]?.version) : undefined;
  return first && version ? { name: first.name, version } : null;
}

/** The selected version's schema and example, fetched from the API (with its error). */
export function usePipelineDetail(selection: Selection | null) {
  const [detail, setDetail] = useState<PipelineDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!selection) return;
    let cancelled = false;
    setError(null);
    const url = `/api/v1/pipelines/${encodeURIComponent(selection.name)}?version=${encodeURIComponent(selection.version)}`;
    void fetch(url)
      .then(async (response) => {
        if (cancelled) return;
        if (response.ok) {
          const loaded = (await response.json()) as PipelineDetail;
          // Checked again: the selection may have changed while the body arrived, and a
          // late answer for the old one must not replace the new one's schema.
          if (!cancelled) setDetail(loaded);
        } else
          setError(
            `The schema of ${selection.name}@${selection.version} could not be loaded (${response.status}).`,
          );
      })
      .catch(
        () =>
          !cancelled && setError("The server could not be reached to load the pipeline's schema."),
      );
    return () => {
      cancelled = true;
    };
  }, [selection]);
  const matching =
    detail && selection && detail.name === selection.name && detail.version === selection.version;
  return { detail: matching ? detail : null, error };
}
