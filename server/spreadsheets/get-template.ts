import type { AppContext } from "../context";
import { getPipeline } from "../pipelines/get-pipeline";
import { buildTemplate } from "./build-template";

/**
 * The spreadsheet template of one pipeline version (blank, or filled with its example),
 * with a file name like `fastq-qc-1.0.0-template.xlsx`.
 */
export async function getTemplate(
  ctx: Pick<AppContext, "db">,
  options: { name: string; version?: string; example: boolean },
): Promise<{ body: Buffer; fileName: string }> {
  const pipeline = await getPipeline(ctx, options);
  const body = await buildTemplate({
    name: pipeline.name,
    version: pipeline.version,
    schema: pipeline.schema,
    ...(options.example && pipeline.example !== null ? { prefill: pipeline.example } : {}),
  });
  const suffix = options.example ? "example" : "template";
  // Pipeline names and versions are validated at sync ([a-z0-9._-]), safe in a header.
  return { body, fileName: `${pipeline.name}-${pipeline.version}-${suffix}.xlsx` };
}
