import type { ValidateFunction } from "ajv";
import type { PipelineRow } from "@/db/schema";
import type { TtlCache } from "../cache";
import type { AppContext } from "../context";
import type { CallParent } from "./serve-cpu-tasks";

/** The web's settings a thread needs: where pipelines and data live (path checks). */
export type ThreadConfig = Pick<AppContext["config"], "pipelinesPath" | "dataRoots">;

/**
 * The services' context inside a CPU thread: the pipeline versions come from the web
 * process (its cache, else MySQL) through a synchronous call, so resolvePipeline finds
 * them where it looks first; compiled validators are the thread's own (kept across its
 * tasks). There is no database here: touching `db` is a bug and says so.
 */
export function threadContext(
  callParent: CallParent,
  validators: TtlCache<string, ValidateFunction>,
  config: ThreadConfig,
): Pick<AppContext, "db" | "caches" | "config"> {
  const pipelineVersions = {
    get: (name: string) => callParent("pipelineVersions", name) as PipelineRow[],
    set: () => undefined,
  };
  const db = new Proxy(
    {},
    {
      get(_, property) {
        throw new Error(`a CPU thread has no database (db.${String(property)})`);
      },
    },
  );
  return { db, caches: { pipelineVersions, validators }, config } as unknown as Pick<
    AppContext,
    "db" | "caches" | "config"
  >;
}
