import { sql } from "drizzle-orm";
import type { AppContext } from "@/server/context";

type Rows<T> = [T[], unknown];

/** What the counters say and what the runs table says, as sorted `key=n` lists. */
export async function countersAndTruth(ctx: Pick<AppContext, "db">) {
  const read = async (query: ReturnType<typeof sql>) => {
    const [rows] = (await ctx.db.execute(query)) as unknown as Rows<{ k: string; n: string }>;
    return rows
      .filter((r) => Number(r.n) !== 0)
      .map((r) => `${r.k}=${Number(r.n)}`)
      .sort();
  };
  const [counts, runs, hourly, finished] = await Promise.all([
    read(sql`SELECT status AS k, SUM(n) AS n FROM run_counts GROUP BY status`),
    read(sql`SELECT status AS k, COUNT(*) AS n FROM runs GROUP BY status`),
    read(sql`SELECT CONCAT(DATE_FORMAT(hour, '%Y-%m-%d %H'), ' ', status) AS k, n FROM run_hourly`),
    read(
      sql`SELECT CONCAT(DATE_FORMAT(finished_at, '%Y-%m-%d %H'), ' ', status) AS k, COUNT(*) AS n
          FROM runs WHERE status IN ('succeeded', 'failed', 'error', 'cancelled') GROUP BY 1`,
    ),
  ]);
  return { counts, runs, hourly, finished };
}
