"use client";

import { useEffect, useState } from "react";

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

function relative(ms: number): string {
  const future = ms > 0;
  const s = Math.round(Math.abs(ms) / 1000);
  const words =
    s < 60
      ? `${s} s`
      : s < 3600
        ? `${Math.round(s / 60)} min`
        : s < 48 * 3600
          ? `${Math.round(s / 3600)} h`
          : `${Math.round(s / 86400)} days`;
  return future ? `in ${words}` : `${words} ago`;
}

/** A fire time in the schedule's time zone ("2025-03-31 09:00"), and "in 3 h" once mounted. */
export function FireTime({ iso, timeZone }: { iso: string | null; timeZone: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  if (!iso) return <span className="muted">—</span>;
  const date = new Date(iso);
  return (
    <>
      <time dateTime={iso} title={`${date.toISOString()} (UTC)`}>
        {formatIn(timeZone, date)}
      </time>
      {now === null ? null : <div className="muted">{relative(date.getTime() - now)}</div>}
    </>
  );
}
