import type { z } from "zod";
import { ZListRunsQuery } from "@/lib/contract/runs";
import type { WesRunList, ZWesPageQuery } from "@/lib/contract/wes";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { listRuns } from "../runs/list-runs";
import { toWesSummary } from "./wes-views";

/** The most runs of one page (GET /api/v1/runs' own limit). */
const MAX_PAGE = 200;

/**
 * GET /ga4gh/wes/v1/runs: listRuns (the runs the caller may see, newest first, keyset
 * pages) as RunSummary items. page_token is listRuns' cursor; the last page's
 * next_page_token is "" as the specification says.
 */
export async function listWesRuns(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; query: z.infer<typeof ZWesPageQuery> },
): Promise<WesRunList> {
  const { page_size, page_token } = options.query;
  const query = ZListRunsQuery.parse({
    limit: Math.min(page_size ?? 50, MAX_PAGE),
    ...(page_token ? { cursor: page_token } : {}),
  });
  const page = await listRuns(ctx, { principal: options.principal, query });
  return {
    runs: page.items.map(toWesSummary),
    next_page_token: page.nextCursor ?? "",
    ...(page.totalIsLowerBound ? {} : { total_runs: page.total }),
  };
}
