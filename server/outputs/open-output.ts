import { and, eq } from "drizzle-orm";
import { runOutputChunks, runOutputs } from "@/db/schema";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { findRunFor } from "../runs/find-run-for";

export interface OpenedOutput {
  path: string;
  size: number;
  sha256: string;
  /** The run's pipeline (its row), for what its definition says about previews. */
  pipelineId: number;
  /** The content, read from MySQL one chunk at a time as the client takes it. */
  stream: ReadableStream<Uint8Array>;
}

/**
 * One stored output of a run (GET /runs/{id}/outputs/{outputId}), from MySQL: the web
 * never reads a worker's disk. NOT_FOUND when the run does not exist, when the output
 * is not one of this run's, or when its content was not stored (over the store limits);
 * FORBIDDEN for somebody else's run (as findRunFor).
 */
export async function openOutput(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; outputId: string },
): Promise<OpenedOutput> {
  const { run } = await findRunFor(ctx, { ...options, access: "read" });
  const missing = new AppError(
    "NOT_FOUND",
    `Run ${run.publicId} has no output "${options.outputId.slice(0, 40)}"`,
  );
  if (!/^[1-9][0-9]{0,15}$/.test(options.outputId)) throw missing;
  const [output] = await ctx.db
    .select()
    .from(runOutputs)
    .where(and(eq(runOutputs.id, Number(options.outputId)), eq(runOutputs.runId, run.id)))
    .limit(1);
  if (!output) throw missing;
  if (!output.stored) {
    throw new AppError(
      "NOT_FOUND",
      `The content of "${output.path}" (${output.size} bytes) is not kept: it was over the store limits (OUTPUT_STORE_MAX_BYTES per file, OUTPUT_STORE_RUN_MAX_BYTES per attempt), or removed by retention (RETENTION_DAYS). Its size and SHA-256 are listed at GET /api/v1/runs/${run.publicId}/outputs.`,
    );
  }
  return {
    path: output.path,
    size: output.size,
    sha256: output.sha256,
    pipelineId: run.pipelineId,
    stream: chunkStream(ctx, output),
  };
}

/**
 * Streams the chunks in order, one query each (1 MiB), only as fast as the client reads.
 * Content that ends short (chunks removed meanwhile) errors the stream, so the client
 * sees a broken download rather than a silently truncated file.
 */
function chunkStream(
  ctx: Pick<AppContext, "db">,
  output: { id: number; size: number },
): ReadableStream<Uint8Array> {
  let seq = 0;
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const [chunk] = await ctx.db
          .select({ data: runOutputChunks.data })
          .from(runOutputChunks)
          .where(and(eq(runOutputChunks.outputId, output.id), eq(runOutputChunks.seq, seq)));
        if (!chunk) {
          if (sent === output.size) controller.close();
          else controller.error(new Error(`output ${output.id} ends after ${sent} bytes`));
          return;
        }
        seq += 1;
        sent += chunk.data.length;
        controller.enqueue(chunk.data);
      },
    },
    { highWaterMark: 0 },
  );
}
