/** The outputs part of the HTTP contract: the files a run's attempts left behind. */
import { z } from "zod";
import { zDateTime, zList } from "./common";

/** A file an attempt left in its outputs folder, as GET /api/v1/runs/{id}/outputs lists it. */
export const ZOutputView = z.object({
  id: z.number().int(),
  attempt: z.number().int().min(1),
  path: z
    .string()
    .max(512)
    .meta({
      description: "Relative to the outputs folder, `/`-separated",
      examples: ["qc.json", "plots/gc.svg"],
    }),
  size: z.number().int().min(0).meta({ description: "Bytes" }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  stored: z
    .boolean()
    .meta({ description: "Whether the content can be downloaded (false: over the store limits)" }),
  createdAt: zDateTime(),
  download: z
    .string()
    .nullable()
    .meta({
      description: "The download URL path; null when the content was not stored",
      examples: ["/api/v1/runs/01j9z3k5m8q2w4e6r8t0y2u4i6/outputs/42"],
    }),
});
export type OutputView = z.infer<typeof ZOutputView>;

export const ZOutputList = zList(ZOutputView);
export type OutputList = z.infer<typeof ZOutputList>;

/** Query of `GET /api/v1/runs/{id}/outputs`. */
export const ZOutputsQuery = z.object({
  attempt: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .meta({ description: "Only this attempt's outputs" }),
});
