import { eq } from "drizzle-orm";
import {
  listVersions,
  referenceLists,
  type ListVersionRow,
  type ReferenceListRow,
} from "@/db/schema";
import type { ListView } from "@/lib/contract/lists";
import type { AppContext } from "../context";
import { AppError } from "../errors";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A list as the API shows it, with its current (last good) version. */
export function toListView(list: ReferenceListRow, version: ListVersionRow | null): ListView {
  const self = `/api/v1/lists/${list.name}`;
  return {
    name: list.name,
    description: list.description,
    source: list.source,
    cron: list.cron,
    timeZone: list.timeZone,
    perUser: list.perUser,
    version: version
      ? {
          id: version.id,
          count: version.count,
          hash: version.hash,
          createdAt: version.createdAt.toISOString(),
        }
      : null,
    nextRefreshAt: iso(list.nextRefreshAt),
    lastRefreshAt: iso(list.lastRefreshAt),
    lastError: list.lastError,
    lastErrorAt: iso(list.lastErrorAt),
    links: { self, values: `${self}/values` },
  };
}

/** Lists with their current versions joined in. */
export function selectLists(ctx: Pick<AppContext, "db">) {
  return ctx.db
    .select({ list: referenceLists, version: listVersions })
    .from(referenceLists)
    .leftJoin(listVersions, eq(listVersions.id, referenceLists.currentVersionId));
}

/** The list of that name, or 404. */
export async function findList(
  ctx: Pick<AppContext, "db">,
  name: string,
): Promise<{ list: ReferenceListRow; version: ListVersionRow | null }> {
  const [row] = await selectLists(ctx).where(eq(referenceLists.name, name));
  if (!row)
    throw new AppError("NOT_FOUND", `There is no list named ${JSON.stringify(name.slice(0, 64))}`);
  return row;
}
