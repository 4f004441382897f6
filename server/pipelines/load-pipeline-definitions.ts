import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { isDevVersion } from "@/lib/pipeline-ref";
import { ZPipelineFile, type PipelineDefinition } from "@/lib/pipeline-definition";
import { unboundedChargeOption, ZSlurmOptions } from "@/lib/slurm-options";
import { compileSchema } from "@/lib/schema/validate-config";
import { checkConfig } from "@/lib/schema/check-config";
import { expandSamplesheets } from "./expand-samplesheets";

/** A pipeline version read from disk, checked and ready to sync or run. */
export interface LoadedPipeline {
  dir: string;
  name: string;
  version: string;
  title: string;
  description: string;
  isDev: boolean;
  schema: Record<string, unknown>;
  example: unknown;
  definition: PipelineDefinition;
  hash: string;
}

export interface LoadResult {
  pipelines: LoadedPipeline[];
  /** Definitions that were skipped, with the reason (logged by the caller). */
  problems: { file: string; message: string }[];
}

const DEFINITION_FILE = "pipeline.json";

/** Finds pipeline.json in each root, its subfolders and their subfolders (name/version/). */
function findDefinitionFiles(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    const file = path.join(dir, DEFINITION_FILE);
    if (existsSync(file)) {
      found.push(file);
      return;
    }
    if (depth === 0) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith("."))
        visit(path.join(dir, entry.name), depth - 1);
    }
  };
  if (existsSync(root) && statSync(root).isDirectory()) visit(root, 2);
  return found.sort();
}

function readJsonFile(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8")) as unknown;
}

/** Reads a schema or example given inline or as a file name inside the pipeline folder. */
function inlineOrFile(dir: string, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const resolved = path.resolve(dir, value);
  if (!resolved.startsWith(dir + path.sep))
    throw new Error(`${value} is outside the pipeline folder`);
  return readJsonFile(resolved);
}

function loadOne(file: string): LoadedPipeline {
  const dir = path.dirname(path.resolve(file));
  const parsed = ZPipelineFile.safeParse(readJsonFile(file));
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const spec = parsed.data;
  const schema = expandSamplesheets(dir, inlineOrFile(dir, spec.schema) as Record<string, unknown>);
  const example = spec.example === undefined ? null : inlineOrFile(dir, spec.example);
  const validate = compileSchema(schema);
  if (example !== null) {
    // Under its own unknownProperties choice: an example may show an undeclared field.
    const problems = checkConfig(validate, example, spec.unknownProperties).errors;
    if (problems.length > 0) {
      throw new Error(
        `example does not match the schema: ${problems[0]?.path} ${problems[0]?.message}`,
      );
    }
  }
  const slurm = spec.executor === "slurm" ? (spec.slurm ?? ZSlurmOptions.parse({})) : null;
  const unbounded = slurm && unboundedChargeOption(slurm, schema);
  if (unbounded) throw new Error(unbounded);
  const definition: PipelineDefinition = {
    name: spec.name,
    version: spec.version,
    command: spec.command,
    timeoutSeconds: spec.timeoutSeconds,
    retries: spec.retries,
    ...(spec.maxConcurrency ? { maxConcurrency: spec.maxConcurrency } : {}),
    executor: spec.executor,
    ...(slurm ? { slurm } : {}),
    unknownProperties: spec.unknownProperties,
    ...(spec.notify ? { notify: spec.notify } : {}),
    ...(spec.report ? { report: spec.report } : {}),
    ...(spec.previewScripts ? { previewScripts: true } : {}),
  };
  const hash = createHash("sha256").update(JSON.stringify({ spec, schema, example })).digest("hex");
  return {
    dir,
    name: spec.name,
    version: spec.version,
    title: spec.title,
    description: spec.description,
    isDev: isDevVersion(spec.version, spec.dev),
    schema,
    example,
    definition,
    hash,
  };
}

/** Loads every pipeline definition found on the given roots (PIPELINES_PATH). */
export function loadPipelineDefinitions(roots: readonly string[]): LoadResult {
  const result: LoadResult = { pipelines: [], problems: [] };
  const seen = new Set<string>();
  for (const root of roots) {
    for (const file of findDefinitionFiles(root)) {
      try {
        const pipeline = loadOne(file);
        const key = `${pipeline.name}@${pipeline.version}`;
        if (seen.has(key)) {
          result.problems.push({ file, message: `${key} is defined twice; the first one is used` });
          continue;
        }
        seen.add(key);
        result.pipelines.push(pipeline);
      } catch (error) {
        result.problems.push({
          file,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }
  return result;
}
