/** The pipelines part of the HTTP contract. */
import { z } from "zod";
import { UNKNOWN_PROPERTIES } from "../schema/unknown-properties";
import { zDateTime, zFlag, zList } from "./common";
import { ZProblemItem } from "./problem";

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

/** Answer of `POST /api/v1/pipelines/{name}/check-paths`: the editor's check of files. */
export const ZPathCheckResult = z.object({
  pipeline: z.string().meta({ description: "The version checked against: name@version" }),
  problems: z.array(ZProblemItem).meta({
    description:
      "One item per path the schema names (format file-path, directory-path or path; exists) that cannot be used and per value not in its reference list (x-runport-list): pointer into the config, line and column, a sentence. Empty when every one is fine.",
  }),
});
export type PathCheckResult = z.infer<typeof ZPathCheckResult>;

/** Body of `POST /api/v1/pipelines/{name}/check-paths`: a config of that pipeline. */
export const ZPathCheckRequest = z
  .record(z.string(), z.unknown())
  .meta({ description: "A config of the pipeline version (as in a submission)" });
