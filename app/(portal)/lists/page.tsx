import type { Metadata } from "next";
import Link from "next/link";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { listLists } from "@/server/lists/list-lists";
import { ListsClient } from "./lists-client";

export const metadata: Metadata = { title: "Reference lists" };

/** Reference lists (admins): define, change, refresh now, versions, delete. */
export default async function ListsPage() {
  const principal = await requirePagePrincipal("/lists");
  if (principal.role !== "admin") {
    return (
      <main>
        <h1>Reference lists</h1>
        <div className="card">
          <p>
            This page is for administrators: where the allowed values of fields such as HPC accounts
            come from, and how often they are read.
          </p>
          <Link href="/runs">Back to the runs</Link>
        </div>
      </main>
    );
  }
  const app = getAppContext();
  const { items } = await listLists(app, { principal });
  const { listUrlHosts, listCommands, listFileRoots, dataRoots } = app.config;
  return (
    <ListsClient
      initial={items}
      limits={{
        urlHosts: [...listUrlHosts],
        commands: [...listCommands],
        fileRoots: [...listFileRoots, ...dataRoots],
      }}
    />
  );
}
