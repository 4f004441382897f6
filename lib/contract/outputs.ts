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

/** Query of `GET /api/v1/runs/{id}/outputs/{outputId}/preview`: the page of a table. */
export const ZPreviewQuery = z.object({
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(100_000_000)
    .default(0)
    .meta({ description: "Tables: data rows to skip (the header row is not counted)" }),
  rows: z.coerce.number().int().min(1).max(5000).default(200).meta({
    description:
      "Tables: data rows to return at most; a page also ends before the row that would bring its cells past 2 Mi characters (then nextOffset < offset + rows)",
  }),
});
export type PreviewQuery = z.infer<typeof ZPreviewQuery>;

const zPreviewBase = {
  path: z.string(),
  size: z.number().int().min(0).meta({ description: "The whole file's size in bytes" }),
  download: z.string(),
};

/** What the run page shows of one stored output, by kind (from the file name's extension). */
export const ZOutputPreview = z.discriminatedUnion("kind", [
  z.object({
    ...zPreviewBase,
    kind: z.literal("table"),
    columns: z.array(z.string()),
    rows: z.array(z.array(z.string())),
    offset: z.number().int(),
    nextOffset: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The offset of the next page; null on the last page" }),
  }),
  z.object({
    ...zPreviewBase,
    kind: z.enum(["text", "markdown"]),
    text: z.string(),
    truncated: z
      .boolean()
      .meta({ description: "Only the first PREVIEW_TEXT_BYTES of the file are in `text`" }),
  }),
  z.object({ ...zPreviewBase, kind: z.literal("json"), value: z.unknown() }),
  z.object({
    ...zPreviewBase,
    kind: z.enum(["image", "html"]),
    src: z.string().meta({
      description: "Where the content is served inline, with a strict Content-Security-Policy",
    }),
    scripts: z
      .boolean()
      .meta({ description: "HTML: whether the pipeline lets its reports run scripts" }),
  }),
  z.object({
    ...zPreviewBase,
    kind: z.literal("too-large"),
    previewKind: z.string(),
    limit: z.number().int().meta({
      description:
        "The largest file of this kind previewed, in bytes (tables: the longest row, in characters)",
    }),
  }),
  z.object({ ...zPreviewBase, kind: z.literal("none") }),
]);
export type OutputPreview = z.infer<typeof ZOutputPreview>;
