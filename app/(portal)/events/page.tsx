import type { Metadata } from "next";
import Link from "next/link";
import { ZListEventsQuery } from "@/lib/contract/events";
import { canSeeAllRuns } from "@/lib/roles";
import { listEvents } from "@/server/events/receive-event";
import { listRules } from "@/server/events/rules";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { RulesClient } from "./rules-client";

export const metadata: Metadata = { title: "Events" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The latest events with their runs (100 a page), and the rules (administrators change them). */
export default async function EventsPage({ searchParams }: { searchParams: SearchParams }) {
  const principal = await requirePagePrincipal("/events");
  if (!canSeeAllRuns(principal.role)) {
    return (
      <main>
        <h1>Events</h1>
        <div className="card">
          <p>Events and their rules are shown to the roles that see every run.</p>
          <Link href="/runs">Back to the runs</Link>
        </div>
      </main>
    );
  }
  const app = getAppContext();
  // A cursor that is not one of ours shows the first page.
  const cursor = ZListEventsQuery.shape.cursor.safeParse((await searchParams).cursor).data;
  const events = await listEvents(app, principal, { limit: 100, cursor });
  const mayReadRules = principal.role === "admin" || principal.role === "operator";
  const rules = mayReadRules ? await listRules(app, principal) : { items: [] };
  return (
    <main>
      <div className="page-header">
        <h1>Events</h1>
      </div>
      {mayReadRules ? (
        <RulesClient initial={rules.items} canEdit={principal.role === "admin"} />
      ) : null}
      <section className="card">
        <h2>{cursor ? "Older events" : "Latest events"}</h2>
        {events.items.length === 0 ? (
          <p className="empty-state">No event has come yet: POST /api/v1/events.</p>
        ) : (
          <div className="table-frame">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Type</th>
                  <th scope="col">Received</th>
                  <th scope="col">Runs</th>
                </tr>
              </thead>
              <tbody>
                {events.items.map((event) => (
                  <tr key={event.id}>
                    <td>
                      <Link href={event.links.web}>{event.id}</Link>
                    </td>
                    <td>
                      <code>{event.type}</code>
                    </td>
                    <td className="nowrap">{event.receivedAt}</td>
                    <td>
                      {event.error
                        ? event.error
                        : `${event.runs.filter((r) => r.run).length} started, ${event.runs.filter((r) => !r.run).length} failed`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor || events.nextCursor ? (
          <p>
            {cursor ? <Link href="/events">Latest events</Link> : null}
            {cursor && events.nextCursor ? " · " : null}
            {events.nextCursor ? (
              <Link href={`/events?cursor=${events.nextCursor}`}>Older events</Link>
            ) : null}
          </p>
        ) : null}
      </section>
    </main>
  );
}
