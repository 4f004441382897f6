import type { Metadata } from "next";
import Link from "next/link";
import { ZListAuditQuery, type AuditEventList } from "@/lib/contract/audit";
import { listAuditEvents } from "@/server/audit/list-audit-events";
import { AppError } from "@/server/errors";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { parseQuery, toSearch } from "@/server/http/parse-query";
import { AuditClient } from "./audit-client";

export const metadata: Metadata = { title: "Audit log" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The audit log (admins): filters and page in the URL, the same query as GET /api/v1/audit. */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const principal = await requirePagePrincipal("/audit");
  if (principal.role !== "admin") {
    return (
      <main>
        <h1>Audit log</h1>
        <div className="card">
          <p>This page is for administrators: who did what, when and from where.</p>
          <Link href="/runs">Back to the runs</Link>
        </div>
      </main>
    );
  }
  const search = toSearch(await searchParams);
  let list: AuditEventList = { items: [], nextCursor: null };
  let problem: string | null = null;
  try {
    const url = new URL(`http://runport.local/audit?${search.toString()}`);
    const query = parseQuery(url, ZListAuditQuery, {
      repeatable: ["action"],
      commaLists: ["action"],
    });
    list = await listAuditEvents(getAppContext(), { principal, query });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const items = error.errors?.map((e) => `${e.path.slice(1)} ${e.message}`) ?? [];
    problem = [error.message, ...items].join("; ");
  }
  return <AuditClient list={list} search={search.toString()} problem={problem} />;
}
