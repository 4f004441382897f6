import { asc } from "drizzle-orm";
import { referenceLists } from "@/db/schema";
import type { ListView } from "@/lib/contract/lists";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import type { AppContext } from "../context";
import { findList, selectLists, toListView } from "./list-view";

/** Every list by name, with its current version and last error (admins only). */
export async function listLists(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal },
): Promise<{ items: ListView[] }> {
  requireAdmin(options.principal, "see the lists' sources");
  const rows = await selectLists(ctx).orderBy(asc(referenceLists.name));
  return { items: rows.map((r) => toListView(r.list, r.version)) };
}

/** One list (admins only: its source may name internal hosts and commands). */
export async function getList(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; name: string },
): Promise<ListView> {
  requireAdmin(options.principal, "see the lists' sources");
  const { list, version } = await findList(ctx, options.name);
  return toListView(list, version);
}
