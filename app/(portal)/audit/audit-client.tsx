"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { DataTable } from "@/components/ui/data-table";
import { ErrorAlert } from "@/components/ui/error-alert";
import { FormField, SelectFilter } from "@/components/ui/form-field";
import { RelativeTime } from "@/components/ui/relative-time";
import {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  type AuditEventList,
  type AuditEventView,
} from "@/lib/contract/audit";
import styles from "./audit.module.css";

interface Props {
  list: AuditEventList;
  search: string;
  /** Why the filters could not be applied (a bad value in the URL). */
  problem: string | null;
}

const DAY_MS = 24 * 3600 * 1000;

/** A date input's day as the first moment of that day in UTC, or the next day's. */
function dayStart(day: string, next = false): string {
  const start = new Date(`${day}T00:00:00.000Z`).getTime();
  return new Date(start + (next ? DAY_MS : 0)).toISOString();
}

function Target({ event }: { event: AuditEventView }) {
  const { target } = event;
  if (!target) return null;
  // The intake switch is one thing: its id says nothing more than its type.
  if (target.type === "intake") return <>intake</>;
  if (target.type === "run") {
    return (
      <Link href={`/runs/${target.id}`}>
        run <code>{target.id}</code>
      </Link>
    );
  }
  return (
    <>
      {target.type} <code>{target.id}</code>
    </>
  );
}

function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return null;
  return (
    <dl className={styles.details}>
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The audit table with its filters; every value is rendered as text. */
export function AuditClient({ list, search, problem }: Props) {
  const router = useRouter();
  const params = new URLSearchParams(search);

  function applyFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const key of ["actor", "action", "target", "outcome"]) {
      const value = form.get(key);
      if (typeof value === "string" && value.trim()) next.set(key, value.trim());
    }
    const from = form.get("from");
    const to = form.get("to");
    if (typeof from === "string" && from) next.set("since", dayStart(from));
    if (typeof to === "string" && to) next.set("until", dayStart(to, true));
    router.push(`/audit${next.size ? `?${next.toString()}` : ""}`);
  }

  const older = list.nextCursor ? new URLSearchParams(params) : null;
  older?.set("cursor", list.nextCursor ?? "");
  const newest = new URLSearchParams(params);
  newest.delete("cursor");
  const filtered = [...params.keys()].some((k) => k !== "cursor");
  const until = params.get("until");

  return (
    <main>
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="muted">
            Who did what, when and from where, newest first. Times and days are in UTC.
          </p>
        </div>
      </div>
      <form
        key={search}
        className={`card ${styles.filters}`}
        onSubmit={applyFilters}
        aria-label="Filter the audit log"
      >
        <FormField id="a-actor" label="Actor">
          <input
            id="a-actor"
            name="actor"
            defaultValue={params.get("actor") ?? ""}
            placeholder="username"
          />
        </FormField>
        <SelectFilter
          id="a-action"
          name="action"
          label="Action"
          options={AUDIT_ACTIONS}
          params={params}
        />
        <SelectFilter
          id="a-outcome"
          name="outcome"
          label="Outcome"
          options={AUDIT_OUTCOMES}
          params={params}
        />
        <FormField id="a-target" label="Target">
          <input
            id="a-target"
            name="target"
            defaultValue={params.get("target") ?? ""}
            placeholder="user:alice, run:…"
          />
        </FormField>
        <FormField id="a-from" label="From (day)">
          <input
            id="a-from"
            name="from"
            type="date"
            defaultValue={params.get("since")?.slice(0, 10) ?? ""}
          />
        </FormField>
        <FormField id="a-to" label="To (day)">
          <input
            id="a-to"
            name="to"
            type="date"
            defaultValue={until ? new Date(Date.parse(until) - 1).toISOString().slice(0, 10) : ""}
          />
        </FormField>
        <div className={styles.actions}>
          <button type="submit" className="btn">
            Filter
          </button>
          {filtered ? (
            <Link href="/audit" className="btn">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      <ErrorAlert message={problem} />
      {list.items.length === 0 ? (
        <div className="card empty-state">
          <h2>{filtered ? "No event matches these filters" : "No events yet"}</h2>
        </div>
      ) : (
        <DataTable
          boxClassName="card table-box"
          caption="Audit events"
          columns={["When", "Actor", "Action", "Outcome", "Target", "From", "Details"]}
        >
          {list.items.map((event) => (
            <tr key={event.id}>
              <td className="nowrap">
                <time dateTime={event.at} title={event.at}>
                  {event.at.replace("T", " ").slice(0, 19)}
                </time>
                <div className={styles.muted}>
                  <RelativeTime iso={event.at} />
                </div>
              </td>
              <td>{event.actor ?? <span className={styles.muted}>command line</span>}</td>
              <td>
                <code>{event.action}</code>
              </td>
              <td className={event.outcome === "ok" ? undefined : styles.refused}>
                {event.outcome}
              </td>
              <td>
                <Target event={event} />
              </td>
              <td>
                {event.ip ?? "—"}
                {event.via ? <div className={styles.muted}>{event.via}</div> : null}
              </td>
              <td>
                <Details details={event.details} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav className={styles.pager} aria-label="Pages">
        {params.has("cursor") ? (
          <Link href={`/audit${newest.size ? `?${newest.toString()}` : ""}`} className="btn">
            ← Newest
          </Link>
        ) : null}
        {older ? (
          <Link href={`/audit?${older.toString()}`} className="btn">
            Older →
          </Link>
        ) : null}
      </nav>
    </main>
  );
}
