import type { Metadata } from "next";
import Link from "next/link";
import { readChangesVersion } from "@/server/changes/publish-run-change";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { getOperations } from "@/server/operations/get-operations";
import { OperationsClient } from "./operations-client";

export const metadata: Metadata = { title: "Operations" };

/** The operations page (admins): workers, beat, queue, runs per hour, intake. */
export default async function OperationsPage() {
  const principal = await requirePagePrincipal("/operations");
  if (principal.role !== "admin") {
    return (
      <main>
        <h1>Operations</h1>
        <div className="card">
          <p>This page is for administrators: workers, the beat, the queue and intake.</p>
          <Link href="/runs">Back to the runs</Link>
        </div>
      </main>
    );
  }
  const app = getAppContext();
  const version = await readChangesVersion(app);
  const initial = await getOperations(app, { principal });
  return <OperationsClient initial={initial} version={version} />;
}
