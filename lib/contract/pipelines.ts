/** The pipelines part of the HTTP contract. */
import { z } from "zod";
import { UNKNOWN_PROPERTIES } from "../schema/unknown-properties";
import { zDateTime, zFlag, zList } from "./common";

export const ZPipelineVersionSummary = z.object({
  version: z.string(),
  isDev: z.boolean(),
  title: z.string(),
  updatedAt: zDateTime(),
});
export type PipelineVersionSummary = z.infer<typeof ZPipelineVersionSummary>;

export const ZPipelineSummary = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  latest: z.string().nullable().meta({
    description:
      "The version `name` and `name@latest` resolve to (null when only dev versions exist)",
  }),
  versions: z.array(ZPipelineVersionSummary),
  links: z.object({ self: z.string(), template: z.string() }),
});
export type PipelineSummary = z.infer<typeof ZPipelineSummary>;

export const ZPipelineList = zList(ZPipelineSummary);

export const ZPipelineDetail = ZPipelineSummary.extend({
  version: z.string(),
  isDev: z.boolean(),
  schema: z.record(z.string(), z.unknown()).meta({ description: "The JSON Schema of the config" }),
  example: z.unknown().meta({ description: "An example config" }),
  timeoutSeconds: z.number().int(),
  maxAttempts: z.number().int(),
  unknownProperties: z.enum(UNKNOWN_PROPERTIES).meta({
    description:
      "What a config's properties the schema does not declare do: warn (accepted, listed as warnings), reject (422) or ignore",
  }),
});
export type PipelineDetail = z.infer<typeof ZPipelineDetail>;

/** Query of `GET /api/v1/pipelines/{name}`. */
export const ZPipelineQuery = z.object({
  version: z.string().max(64).optional().meta({ description: "Exact, latest (default) or dev" }),
});

/** Query of `GET /api/v1/pipelines/{name}/template.xlsx`. */
export const ZTemplateQuery = ZPipelineQuery.extend({
  example: zFlag("Prefill the sheets with the pipeline's example"),
});
