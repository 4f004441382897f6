import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/ui/status-badge";
import { AppError } from "@/server/errors";
import { getEvent } from "@/server/events/receive-event";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";

export const metadata: Metadata = { title: "Event" };

/** One event: its payload, and each matching rule's run with its state (or why none). */
export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = decodeParams(await params);
  const principal = await requirePagePrincipal(`/events/${encodeURIComponent(id)}`);
  let event;
  try {
    event = await getEvent(getAppContext(), principal, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    if (error instanceof AppError && error.code === "FORBIDDEN") {
      return (
        <main>
          <h1>Event {id}</h1>
          <div className="alert alert-error" role="alert">
            Your role cannot see events. <Link href="/runs">Your runs</Link>
          </div>
        </main>
      );
    }
    throw error;
  }
  return (
    <main>
      <div className="page-header">
        <div>
          <p className="muted">
            <Link href="/events">Events</Link> / <code>{event.id}</code>
          </p>
          <h1>
            <code>{event.type}</code> {event.id}
          </h1>
          <p className="muted">
            received {event.receivedAt}
            {event.sourceRun ? (
              <>
                {" "}
                · emitted by run <Link href={`/runs/${event.sourceRun}`}>{event.sourceRun}</Link>
              </>
            ) : null}{" "}
            · depth {event.depth}
          </p>
        </div>
      </div>
      {event.error ? (
        <div className="alert alert-error" role="alert">
          {event.error}
        </div>
      ) : null}
      <section className="card">
        <h2>Runs</h2>
        {event.runs.length === 0 ? (
          <p className="empty-state">No rule matched this event: it started nothing.</p>
        ) : (
          <div className="table-frame">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Run</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {event.runs.map((outcome) => (
                  <tr key={outcome.rule}>
                    <td>
                      {outcome.ruleName ?? "(deleted rule)"} <code>{outcome.rule}</code>
                    </td>
                    <td>
                      {outcome.run ? (
                        <Link href={outcome.run.links.web}>{outcome.run.id}</Link>
                      ) : (
                        "none"
                      )}
                    </td>
                    <td>
                      {outcome.run ? <StatusBadge status={outcome.run.status} /> : outcome.error}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card">
        <h2>Payload</h2>
        <pre>{JSON.stringify(event.payload, null, 2)}</pre>
      </section>
    </main>
  );
}

function decodeParams(params: { id: string }): { id: string } {
  try {
    return { id: decodeURIComponent(params.id) };
  } catch {
    return params;
  }
}
