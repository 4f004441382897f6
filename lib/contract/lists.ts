/** The reference lists part of the HTTP contract (issue 18). */
import { z } from "zod";
import { PIPELINE_NAME_PATTERN } from "../pipeline-definition";
import { zDateTime, zList } from "./common";

/** Values kept per version of a list (per user: per user). More is refused at refresh. */
export const MAX_LIST_VALUES = 200_000;
/** A value or label longer than this is refused at refresh (the column's width). */
export const MAX_VALUE_LENGTH = 255;
/** More list values than this in one config are refused unchecked. */
export const MAX_LIST_TARGETS = 100_000;
/** What `{username}` stands for in a per-user command's argv. */
export const USERNAME_PLACEHOLDER = "{username}";

const zColumn = z
  .union([z.string().min(1).max(200), z.number().int().min(0).max(10_000)])
  .meta({ description: "A column of a CSV/TSV file: its header name, or its index from 0" });

/** A JSON Pointer (RFC 6901) relative to each item of the document's array. */
const zPointer = z
  .string()
  .max(500)
  .regex(/^(\/.*)?$/, "must be a JSON Pointer such as /id (empty: the item itself)");

/** How a text document becomes values: CSV, TSV (a header line), JSON (an array), or lines. */
export const ZListFormat = z.discriminatedUnion("format", [
  z.strictObject({
    format: z.enum(["csv", "tsv"]),
    valueColumn: zColumn,
    labelColumn: zColumn.optional(),
    header: z.boolean().default(true).meta({ description: "The first line names the columns" }),
  }),
  z.strictObject({
    format: z.literal("json"),
    items: zPointer.default("").meta({ description: "Where the array is (empty: the document)" }),
    valuePointer: zPointer.default(""),
    labelPointer: zPointer.optional(),
  }),
  z.strictObject({
    format: z.literal("lines").meta({ description: "One value per line" }),
  }),
]);
export type TListFormat = z.infer<typeof ZListFormat>;

const zParse = z
  .object({ parse: ZListFormat.default({ format: "lines" }) })
  .shape.parse.meta({ description: "How to read the source's text" });

/** Where the values come from. */
export const ZListSource = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("file"),
    path: z
      .string()
      .min(1)
      .max(4096)
      .meta({ description: "An absolute path inside DATA_ROOTS or LIST_FILE_ROOTS" }),
    parse: zParse,
  }),
  z.strictObject({
    kind: z.literal("url"),
    url: z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .max(2000)
      .meta({ description: "Its host must be in LIST_URL_HOSTS" }),
    parse: zParse,
  }),
  z.strictObject({
    kind: z.literal("command"),
    argv: z
      .array(z.string().max(1000))
      .min(1, "must name the program")
      .max(100)
      .meta({
        description:
          "Program and arguments, run without a shell; on a per-user list `{username}` is replaced by each submitter's name",
        examples: [["sacctmgr", "-nP", "show", "account", "format=account"]],
      }),
    parse: zParse,
  }),
]);
export type TListSource = z.infer<typeof ZListSource>;

const fields = {
  name: z
    .string({ error: "is required" })
    .regex(PIPELINE_NAME_PATTERN, "must be 1-64 characters: lowercase letters, digits, - and _")
    .meta({ examples: ["hpc-accounts"] }),
  description: z.string().max(500).default(""),
  source: ZListSource,
  cron: z.string().max(120).default("0 * * * *").meta({ description: "Refresh schedule" }),
  timeZone: z.string().min(1).max(64).default("UTC"),
  perUser: z.boolean().default(false).meta({
    description: "One set of values per submitter (a command with `{username}`)",
  }),
};

/** Body of `POST /api/v1/lists`. */
export const ZCreateListRequest = z.strictObject(fields).meta({
  examples: [
    {
      name: "projects",
      source: {
        kind: "url",
        url: "https://lims.example.org/projects.csv",
        parse: { format: "csv", valueColumn: "id", labelColumn: "title" },
      },
    },
  ],
});
export type TCreateListRequest = z.infer<typeof ZCreateListRequest>;

/** Body of `PATCH /api/v1/lists/{name}`: any field but the name. */
export const ZUpdateListRequest = z
  .strictObject({
    description: fields.description.unwrap(),
    source: fields.source,
    cron: fields.cron.unwrap(),
    timeZone: fields.timeZone.unwrap(),
    perUser: fields.perUser.unwrap(),
  })
  .partial();
export type TUpdateListRequest = z.infer<typeof ZUpdateListRequest>;

export const ZListView = z.object({
  name: z.string(),
  description: z.string(),
  source: ZListSource,
  cron: z.string(),
  timeZone: z.string(),
  perUser: z.boolean(),
  version: z
    .object({ id: z.number(), count: z.number(), hash: z.string(), createdAt: zDateTime() })
    .nullable()
    .meta({ description: "The current (last good) version; null before the first refresh" }),
  nextRefreshAt: zDateTime().nullable(),
  lastRefreshAt: zDateTime().nullable(),
  lastError: z.string().nullable().meta({ description: "Why the latest refresh failed" }),
  lastErrorAt: zDateTime().nullable().meta({
    description: "Failing since: the first failed refresh after the last good one",
  }),
  links: z.object({ self: z.string(), values: z.string() }),
});
export type ListView = z.infer<typeof ZListView>;
export const ZListList = zList(ZListView);

/** One stored version of a list (`GET /api/v1/lists/{name}/versions`). */
export const ZListVersionView = z.object({
  id: z.number(),
  count: z.number().meta({ description: "Values (on a per-user list: of every user)" }),
  hash: z.string().meta({ description: "SHA-256 of the sorted values and labels" }),
  createdAt: zDateTime(),
  current: z.boolean().meta({ description: "The version submissions are checked against" }),
});
export type ListVersionView = z.infer<typeof ZListVersionView>;
export const ZListVersionList = z.object({
  items: z.array(ZListVersionView).meta({ description: "The kept versions, newest first" }),
});

/** Query of `GET /api/v1/lists/{name}/values`. */
export const ZListValuesQuery = z.object({
  q: z.string().max(255).default("").meta({ description: "Prefix or part of a value or label" }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const ZListValue = z.object({ value: z.string(), label: z.string().nullable() });
export const ZListValues = z.object({
  items: z.array(ZListValue),
  versionId: z.number().nullable(),
});
export type ListValues = z.infer<typeof ZListValues>;

export const ZRefreshResult = z.object({
  outcome: z.enum(["stored", "unchanged", "failed"]),
  count: z.number().nullable(),
  error: z.string().nullable(),
  list: ZListView,
});
export type RefreshResult = z.infer<typeof ZRefreshResult>;
