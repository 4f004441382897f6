import type { z } from "zod";
import type { ZWesPageQuery } from "@/lib/contract/wes";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { getRun } from "../runs/get-run";
import { toWesTask } from "./wes-views";

/**
 * GET /ga4gh/wes/v1/runs/{run_id}/tasks: one task per attempt, first attempt first. A run
 * has few attempts (its pipeline's maxAttempts), so a page token is the offset.
 */
export async function listWesTasks(
  ctx: Pick<AppContext, "db">,
  options: {
    principal: Principal;
    runId: string;
    origin: string;
    query: z.infer<typeof ZWesPageQuery>;
  },
) {
  const run = await getRun(ctx, options);
  const { page_size, page_token } = options.query;
  const start = page_token ? Number(page_token) : 0;
  if (!Number.isSafeInteger(start) || start < 0)
    throw new AppError("BAD_REQUEST", "page_token is not valid");
  const size = page_size ?? 100;
  const attempts = run.attempts ?? [];
  const page = attempts.slice(start, start + size);
  const next = start + size < attempts.length ? String(start + size) : "";
  return {
    task_logs: page.map((attempt) => toWesTask(run, attempt, options.origin)),
    next_page_token: next,
  };
}
