"use client";

import { describeOffset, useNow } from "@/components/ui/relative-time";

// sv-SE formats as 2025-03-31 09:00 everywhere: the same text on the server and in the browser.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatIn(timeZone: string, date: Date): string {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("sv-SE", {
      timeZone,
      dateStyle: "short",
      timeStyle: "short",
    });
    formatters.set(timeZone, format);
  }
  return format.format(date);
}

/** A fire time in the schedule's time zone ("2025-03-31 09:00"), and "in 3 h" once mounted. */
export function FireTime({ iso, timeZone }: { iso: string | null; timeZone: string }) {
  const now = useNow();
  if (!iso) return <span className="muted">—</span>;
  const date = new Date(iso);
  return (
    <>
      <time dateTime={iso} title={`${date.toISOString()} (UTC)`}>
        {formatIn(timeZone, date)}
      </time>
      {now === null ? null : <div className="muted">{describeOffset(now - date.getTime())}</div>}
    </>
  );
}
