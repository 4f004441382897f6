"use client";

import { useEffect, useState } from "react";

/** "3 min ago" for a time `ms` before now, "in 3 min" for one after it. */
export function describeOffset(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 5) return "just now";
  const m = Math.round(s / 60);
  const h = Math.round(m / 60);
  const words =
    s < 60 ? `${s} s` : m < 60 ? `${m} min` : h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
  return ms < 0 ? `in ${words}` : `${words} ago`;
}

/** The current time, refreshed every 15 s; null until mounted (the server cannot know it). */
export function useNow(): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** "3 min ago", with the exact time on hover; refreshed every 15 s. */
export function RelativeTime({ iso }: { iso: string | null }) {
  const now = useNow();
  if (!iso) return <span className="muted">—</span>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={date.toLocaleString()}>
      {now === null
        ? date.toISOString().slice(0, 16).replace("T", " ")
        : describeOffset(now - date.getTime())}
    </time>
  );
}

/** A duration like "2 min 5 s" between two times (or until now). */
export function formatDuration(
  fromIso: string | null,
  toIso: string | null,
  now = Date.now(),
): string {
  if (!fromIso) return "—";
  const ms = (toIso ? Date.parse(toIso) : now) - Date.parse(fromIso);
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
