// Pipelines and answers for the New run page's tests (reducer and hook).
import type { PipelineDetail, PipelineSummary } from "@/lib/contract/pipelines";

function summary(name: string, versions: string[]): PipelineSummary {
  return {
    name,
    title: `${name} title`,
    description: `${name} description`,
    latest: versions.at(-1) ?? null,
    versions: versions.map((version) => ({
      version,
      isDev: false,
      title: `${name} title`,
      updatedAt: "2026-01-01T00:00:00.000Z",
    })),
    links: {
      self: `/api/v1/pipelines/${name}`,
      template: `/api/v1/pipelines/${name}/template.xlsx`,
    },
  };
}

export const pipelines: PipelineSummary[] = [
  summary("hello", ["1.0.0", "1.1.0"]),
  summary("fastq-qc", ["1.0.0"]),
];

const schemas: Record<string, Record<string, unknown>> = {
  hello: {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: { name: { type: "string", minLength: 1 }, greeting: { type: "string" } },
  },
  "fastq-qc": {
    type: "object",
    required: ["project", "dataFiles"],
    additionalProperties: false,
    properties: {
      pipeline: { type: "string" },
      project: { type: "string" },
      dataFiles: { type: "array", minItems: 1, items: { type: "string" } },
    },
  },
};

const examples: Record<string, unknown> = {
  hello: { name: "world" },
  "fastq-qc": { project: "demo", dataFiles: ["a.fastq"] },
};

export function detailOf(name: string, version = "1.0.0"): PipelineDetail {
  const found = pipelines.find((p) => p.name === name);
  if (!found) throw new Error(`no fixture pipeline ${name}`);
  return {
    ...found,
    version,
    isDev: false,
    schema: schemas[name]!,
    example: examples[name],
    timeoutSeconds: 60,
    maxAttempts: 1,
    unknownProperties: "warn",
  };
}
