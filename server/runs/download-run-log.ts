import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { findRunFor } from "./find-run-for";
import { readLogPage } from "./get-run-logs";

/** The whole log as a stream of pages (GET /runs/{id}/logs?download=true): never all in memory. */
export async function downloadRunLog(
  ctx: AppContext,
  options: { principal: Principal; runId: string },
): Promise<{ stream: ReadableStream<Uint8Array>; filename: string }> {
  const { run } = await findRunFor(ctx, { ...options, access: "read" });
  let cursor = 0;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await readLogPage(ctx, { runId: run.id, cursor, running: false });
      if (page.nextCursor === cursor) return controller.close();
      cursor = page.nextCursor;
      controller.enqueue(encoder.encode(page.text));
    },
  });
  return { stream, filename: `${run.publicId}.log` };
}
