import { eq } from "drizzle-orm";
import { pipelines } from "@/db/schema";
import type { OutputPreview, PreviewQuery } from "@/lib/contract/outputs";
import { DelimitedRows, MAX_ROW_CHARS, RowTooLongError } from "@/lib/outputs/delimited";
import { previewKind, tableDelimiter, type PreviewKind } from "@/lib/outputs/preview-kind";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { openOutput, type OpenedOutput } from "./open-output";

const KiB = 1024;
const MiB = 1024 * KiB;

/** The first bytes of a text or Markdown file shown; the rest is for the download. */
export const PREVIEW_TEXT_BYTES = 256 * KiB;

/** The largest file of each kind previewed at all (tables are paged and have no limit). */
export const PREVIEW_MAX_BYTES: Record<
  Exclude<PreviewKind, "table" | "text" | "markdown">,
  number
> = {
  json: 4 * MiB,
  image: 16 * MiB,
  html: 8 * MiB,
};

/**
 * What the run page shows of one stored output (GET /runs/{id}/outputs/{outputId}/preview),
 * authorized exactly as its download (openOutput). The content is read from MySQL a 1 MiB
 * chunk at a time and the reading stops as soon as the preview has what it needs: a table's
 * page and one row more, a text's first PREVIEW_TEXT_BYTES. Nothing holds the whole file
 * but a JSON document, which is previewed only up to PREVIEW_MAX_BYTES.json.
 */
export async function previewOutput(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; outputId: string; query: PreviewQuery },
): Promise<OutputPreview> {
  const output = await openOutput(ctx, options);
  const base = {
    path: output.path,
    size: output.size,
    download: `/api/v1/runs/${options.runId}/outputs/${options.outputId}`,
  };
  const kind = previewKind(output.path);
  try {
    if (kind === null) return { ...base, kind: "none" };
    if (kind === "table") {
      try {
        return { ...base, ...(await readTable(output, options.query)) };
      } catch (error) {
        if (!(error instanceof RowTooLongError)) throw error;
        return { ...base, kind: "too-large", previewKind: kind, limit: MAX_ROW_CHARS };
      }
    }
    if (kind === "text" || kind === "markdown") {
      const { text, truncated } = await readText(output, PREVIEW_TEXT_BYTES);
      return { ...base, kind, text, truncated };
    }
    const limit = PREVIEW_MAX_BYTES[kind];
    if (output.size > limit) return { ...base, kind: "too-large", previewKind: kind, limit };
    if (kind === "json") {
      const { text } = await readText(output, limit);
      try {
        return { ...base, kind, value: JSON.parse(text) as unknown };
      } catch {
        return { ...base, kind: "text", text, truncated: false };
      }
    }
    const scripts = kind === "html" && (await pipelineAllowsScripts(ctx, output.pipelineId));
    return { ...base, kind, src: `${base.download}/raw`, scripts };
  } finally {
    await output.stream.cancel().catch(() => undefined);
  }
}

/** The pipeline's `previewScripts` choice (off when absent). */
export async function pipelineAllowsScripts(
  ctx: Pick<AppContext, "db">,
  pipelineId: number,
): Promise<boolean> {
  const [row] = await ctx.db
    .select({ definition: pipelines.definition })
    .from(pipelines)
    .where(eq(pipelines.id, pipelineId))
    .limit(1);
  return row?.definition.previewScripts === true;
}

/** Decodes the stream's UTF-8 (invalid bytes as U+FFFD) up to `limit` bytes. */
async function readText(
  output: OpenedOutput,
  limit: number,
): Promise<{ text: string; truncated: boolean }> {
  const decoder = new TextDecoder("utf-8");
  const reader = output.stream.getReader();
  let text = "";
  let read = 0;
  try {
    while (read < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = value.subarray(0, limit - read);
      read += part.length;
      text += decoder.decode(part, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return { text: text + decoder.decode(), truncated: output.size > read };
}

async function readTable(output: OpenedOutput, query: PreviewQuery) {
  const parser = new DelimitedRows(tableDelimiter(output.path), query.offset, query.rows);
  const decoder = new TextDecoder("utf-8");
  const reader = output.stream.getReader();
  try {
    while (!parser.full) {
      const { done, value } = await reader.read();
      if (done) {
        parser.push(decoder.decode());
        parser.end();
        break;
      }
      parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
  return {
    kind: "table" as const,
    columns: parser.header ?? [],
    rows: parser.rows,
    offset: query.offset,
    nextOffset: parser.nextOffset,
  };
}
