import type { PipelineSummary } from "@/lib/contract/pipelines";
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
