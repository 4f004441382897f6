import { z } from "zod";
import type { PathCheckResult } from "@/lib/contract/pipelines";
import type { AppContext } from "../context";
import { parseJsonDocument, withPositions } from "../http/json-body";
import { configPathProblems } from "./config-path-problems";
import { resolvePipeline } from "./resolve-pipeline";

const ZConfig = z.record(z.string(), z.unknown());

/**
 * The editor's path check itself (checkPipelinePaths): parse the config, resolve the
 * pipeline, check the files it names; inline, or on a CPU thread for a large config.
 */
export async function checkConfigTextPaths(
  ctx: Pick<AppContext, "db" | "caches" | "config">,
  options: { name: string; version?: string; text: string },
): Promise<PathCheckResult> {
  const doc = parseJsonDocument(options.text, ZConfig, { subject: "The config" });
  const reference = options.version ? `${options.name}@${options.version}` : options.name;
  const pipeline = await resolvePipeline(ctx, reference, "");
  const problems = await configPathProblems(ctx, pipeline, doc.value);
  return {
    pipeline: `${pipeline.name}@${pipeline.version}`,
    problems: withPositions(doc, problems),
  };
}
