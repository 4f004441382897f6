import { z } from "zod";
import { MAX_LIST_TARGETS } from "@/lib/contract/lists";
import type { PathCheckResult } from "@/lib/contract/pipelines";
import { collectListTargets, type ListTarget } from "@/lib/schema/list-keyword";
import type { AppContext } from "../context";
import { parseJsonDocument, withPositions } from "../http/json-body";
import { configPathProblems } from "./config-path-problems";
import { resolvePipeline } from "./resolve-pipeline";

const ZConfig = z.record(z.string(), z.unknown());

/** A value to check against its reference list, already placed in the text. */
export type PlacedListTarget = ListTarget & { line: number; column: number };

/**
 * The editor's path check itself (checkPipelinePaths): parse the config, resolve the
 * pipeline, check the files it names; inline, or on a CPU thread for a large config.
 * The values tied to reference lists come back too, with their line and column (placed
 * here, off the web's event loop): the web process asks MySQL about them.
 */
export async function checkConfigTextPaths(
  ctx: Pick<AppContext, "db" | "caches" | "config">,
  options: { name: string; version?: string; text: string },
): Promise<PathCheckResult & { listTargets: PlacedListTarget[] }> {
  const doc = parseJsonDocument(options.text, ZConfig, { subject: "The config" });
  const reference = options.version ? `${options.name}@${options.version}` : options.name;
  const pipeline = await resolvePipeline(ctx, reference, "");
  const problems = await configPathProblems(ctx, pipeline, doc.value);
  const targets = collectListTargets(pipeline.schema, doc.value, MAX_LIST_TARGETS + 1);
  const places = new Map(
    withPositions(
      doc,
      targets.map((t) => ({ path: t.pointer, message: "" })),
    ).map((p) => [p.path, p]),
  );
  return {
    pipeline: `${pipeline.name}@${pipeline.version}`,
    problems: withPositions(doc, problems),
    listTargets: targets.map((t) => ({
      ...t,
      line: places.get(t.pointer)?.line ?? 1,
      column: places.get(t.pointer)?.column ?? 1,
    })),
  };
}
