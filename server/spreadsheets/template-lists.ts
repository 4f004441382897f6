import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { listValues, referenceLists } from "@/db/schema";
import { listAtPath } from "@/lib/schema/list-keyword";
import { workbookLayout } from "@/lib/spreadsheet/layout";
import type { AppContext } from "../context";

/**
 * Values of one list written into a template: a dropdown of 100,000 values helps nobody
 * and weighs megabytes in every upload of the filled template (the server checks anyway).
 */
export const TEMPLATE_LIST_VALUES = 5_000;

/** A list as the template's dropdowns offer it. */
export interface TemplateList {
  name: string;
  versionId: number;
  /** Sorted; the first TEMPLATE_LIST_VALUES when `complete` is false. */
  values: string[];
  complete: boolean;
}

/** The lists (`x-runport-list`) named by the fields a schema's template lays out. */
export function templateListNames(schema: Record<string, unknown>): string[] {
  const layout = workbookLayout(schema);
  const paths = [
    ...layout.fields.map((f) => f.key),
    ...layout.tables.flatMap((t) => t.columns.map((c) => [t.property, 0, ...c.key])),
  ];
  const names = paths.map((p) => listAtPath(schema, p)).filter((n): n is string => n !== null);
  return [...new Set(names)].sort();
}

/**
 * The current versions of the lists a template names, for the user it is for (per-user
 * lists: theirs): what makes the template's ETag, read without the values. A list not
 * defined, or without values yet, has no dropdown.
 */
export async function templateListVersions(
  ctx: Pick<AppContext, "db">,
  names: string[],
): Promise<{ name: string; versionId: number; perUser: boolean }[]> {
  if (names.length === 0) return [];
  const rows = await ctx.db
    .select({
      name: referenceLists.name,
      versionId: referenceLists.currentVersionId,
      perUser: referenceLists.perUser,
    })
    .from(referenceLists)
    .where(inArray(referenceLists.name, names));
  return rows
    .filter((r): r is typeof r & { versionId: number } => r.versionId !== null)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The values of each list for the dropdowns (an index range: at most TEMPLATE_LIST_VALUES + 1). */
export async function readTemplateLists(
  ctx: Pick<AppContext, "db">,
  versions: { name: string; versionId: number; perUser: boolean }[],
  userId: number,
): Promise<TemplateList[]> {
  return Promise.all(
    versions.map(async ({ name, versionId, perUser }) => {
      const rows = await ctx.db
        .select({ value: listValues.value })
        .from(listValues)
        .where(
          and(
            eq(listValues.versionId, versionId),
            perUser ? eq(listValues.userId, userId) : isNull(listValues.userId),
          ),
        )
        .orderBy(asc(listValues.value))
        .limit(TEMPLATE_LIST_VALUES + 1);
      const values = rows.slice(0, TEMPLATE_LIST_VALUES).map((r) => r.value);
      return { name, versionId, values, complete: rows.length <= TEMPLATE_LIST_VALUES };
    }),
  );
}

/**
 * The code that builds templates: the build's id (a new one at each `next build`, so an
 * upgrade that changes the builder never answers 304 with the old workbook), else the
 * process's start (development: every restart makes new tags).
 */
const CODE_VERSION = (() => {
  try {
    return readFileSync(path.join(process.cwd(), ".next", "BUILD_ID"), "utf8").trim();
  } catch {
    return `started-${Date.now()}`;
  }
})();

/**
 * The template's ETag: what it is built from (format, pipeline version and schema, the
 * example or not, each list's version; the user for per-user lists). A list refreshed to
 * new values has a new version, so the template changes with it.
 */
export function templateEtag(parts: {
  format: string;
  pipeline: string;
  schema: unknown;
  /** The example it is filled with, or null for a blank template. */
  example: unknown;
  lists: { name: string; versionId: number; perUser: boolean }[];
  userId: number;
}): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([parts.format, CODE_VERSION, parts.pipeline]));
  hash.update(JSON.stringify(parts.schema));
  hash.update(JSON.stringify(parts.example));
  for (const list of parts.lists) {
    hash.update(JSON.stringify([list.name, list.versionId, list.perUser ? parts.userId : null]));
  }
  return `"${hash.digest("base64url").slice(0, 32)}"`;
}
