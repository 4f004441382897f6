import { asc } from "drizzle-orm";
import { pipelines, type PipelineRow } from "@/db/schema";
import { compareVersions, resolveVersion } from "@/lib/pipeline-ref";
import type { PipelineSummary, PipelineVersionSummary } from "@/lib/contract/pipelines";
import type { AppContext } from "../context";

function toVersionSummary(row: PipelineRow): PipelineVersionSummary {
  return {
    version: row.version,
    isDev: row.isDev,
    title: row.title,
    updatedAt: (row.updatedAt ?? row.createdAt).toISOString(),
  };
}

/** Groups version rows by pipeline name, newest version first. */
export function summarize(rows: readonly PipelineRow[]): PipelineSummary[] {
  const byName = new Map<string, PipelineRow[]>();
  for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
  return [...byName.entries()].map(([name, versions]) => {
    versions.sort((a, b) => compareVersions(a.version, b.version));
    const latest = resolveVersion(versions, "latest");
    const shown = versions.find((v) => v.version === latest) ?? versions[0]!;
    return {
      name,
      title: shown.title,
      description: shown.description,
      latest,
      versions: versions.map(toVersionSummary),
      links: {
        self: `/api/v1/pipelines/${name}`,
        template: `/api/v1/pipelines/${name}/template.xlsx`,
      },
    };
  });
}

/** Every registered pipeline with its versions (GET /api/v1/pipelines). */
export async function listPipelines(ctx: Pick<AppContext, "db">): Promise<PipelineSummary[]> {
  const rows = await ctx.db.select().from(pipelines).orderBy(asc(pipelines.name));
  return summarize(rows);
}
