"use client";

import { useEffect, useRef } from "react";

/** A `change` event of GET /api/v1/changes (server/changes/stream-changes.ts). */
export interface RunChangeEvent {
  version: number;
  kind: "created" | "status" | "progress" | "reset";
  run: string | null;
  status: string | null;
}

export interface LiveListOptions<T> {
  /** The list (or view) to read again when something relevant changed. */
  url: string;
  /** Gets each new answer (null when the server refused or did not answer). */
  onAnswer: (body: T | null) => void;
  /** The change counter the page was rendered at: a change before the feed opened is read. */
  version?: number | null;
  /** Whether a change concerns this view (default: every change the feed sends). */
  relevant?: (change: RunChangeEvent) => boolean;
  /**
   * At most one read per this many ms, however many changes arrive (default 3 s: a busy
   * tab never reads more often than the 3 s poll did; the first change after a quiet
   * while is read at once).
   */
  minIntervalMs?: number;
  /** While the feed is unavailable: a conditional read (If-None-Match) this often (default 30 s). */
  fallbackMs?: number;
  /** Also read this often whatever the feed says, for parts it does not follow (default never). */
  everyMs?: number;
}

const MAX_BACKOFF_MS = 60_000;

/**
 * Keeps a list fresh from the change feed instead of polling it: the list is read again
 * only when a relevant change arrives (at most once per `minIntervalMs`). A hidden tab
 * closes its feed and reads nothing; shown again, it reconnects and reads the list if the
 * version moved. An idle tab sends nothing. When the feed
 * fails it reconnects with backoff (1 s doubling to 60 s) and meanwhile reads with
 * If-None-Match every `fallbackMs` (a 304 costs the server no database query).
 */
export function useLiveList<T>(options: LiveListOptions<T>): void {
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const { url, minIntervalMs = 3000, fallbackMs = 30_000, everyMs } = options;
  const initialVersion = options.version ?? null;

  useEffect(() => {
    let stopped = false;
    let source: EventSource | null = null;
    let etag: string | null = null;
    let lastVersion = initialVersion;
    let lastReadAt = 0;
    let inFlight = false;
    let again = false;
    let dirty = false;
    let backoffMs = 1000;
    let readTimer: ReturnType<typeof setTimeout> | undefined;
    let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
    let fallbackTimer: ReturnType<typeof setInterval> | undefined;

    const read = async () => {
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      lastReadAt = Date.now();
      const headers: Record<string, string> = etag ? { "If-None-Match": etag } : {};
      const response = await fetch(url, { cache: "no-store", headers }).catch(() => null);
      if (!stopped && response?.status !== 304) {
        if (response?.ok) etag = response.headers.get("etag");
        const body = response?.ok ? ((await response.json().catch(() => null)) as T | null) : null;
        if (!stopped) latest.current.onAnswer(body);
      }
      inFlight = false;
      if (again && !stopped) {
        again = false;
        schedule();
      }
    };

    /** A read soon: coalesced, at most one per minIntervalMs, none while hidden. */
    const schedule = () => {
      if (stopped) return;
      if (document.visibilityState !== "visible") {
        dirty = true;
        return;
      }
      if (readTimer !== undefined) return;
      const wait = Math.max(0, lastReadAt + minIntervalMs - Date.now());
      readTimer = setTimeout(() => {
        readTimer = undefined;
        void read();
      }, wait);
    };

    const startFallback = () => {
      fallbackTimer ??= setInterval(schedule, fallbackMs);
    };
    const stopFallback = () => {
      clearInterval(fallbackTimer);
      fallbackTimer = undefined;
    };

    const versionOf = (event: Event) =>
      (JSON.parse((event as MessageEvent<string>).data) as { version: number }).version;

    const connect = () => {
      if (stopped || source || document.visibilityState !== "visible") return;
      const feed = new EventSource("/api/v1/changes");
      source = feed;
      feed.addEventListener("ready", (event) => {
        const version = versionOf(event);
        // Reconnected after changes it may have missed (or the page is older than the feed).
        if (lastVersion !== null && version !== lastVersion) schedule();
        lastVersion = version;
        backoffMs = 1000;
        stopFallback();
      });
      feed.addEventListener("change", (event) => {
        const change = JSON.parse((event as MessageEvent<string>).data) as RunChangeEvent;
        lastVersion = change.version;
        if (latest.current.relevant?.(change) ?? true) schedule();
      });
      feed.addEventListener("resync", (event) => {
        lastVersion = versionOf(event);
        schedule();
      });
      // A refusal (503 without Redis, 409 over the cap), a lost connection, the end of the
      // stream's lifetime or a `problem`: reconnect ourselves, polling slowly meanwhile.
      const fail = () => {
        if (source !== feed) return;
        feed.close();
        source = null;
        startFallback();
        clearTimeout(reconnectTimer);
        reconnectTimer = setTimeout(connect, backoffMs);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      };
      feed.addEventListener("problem", fail);
      feed.addEventListener("error", fail);
    };

    const disconnect = () => {
      source?.close();
      source = null;
      clearTimeout(reconnectTimer);
    };
    // A hidden tab holds no connection (a browser keeps at most 6 per host over HTTP/1.1);
    // shown again, the feed's `ready` says whether anything changed meanwhile.
    const onVisible = () => {
      if (document.visibilityState !== "visible") return disconnect();
      if (!source) {
        backoffMs = 1000;
        connect();
      }
      if (dirty) {
        dirty = false;
        schedule();
      }
    };
    document.addEventListener("visibilitychange", onVisible);
    const everyTimer = everyMs ? setInterval(schedule, everyMs) : undefined;
    if (document.visibilityState === "visible") connect();
    return () => {
      stopped = true;
      disconnect();
      clearTimeout(readTimer);
      clearInterval(everyTimer);
      stopFallback();
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [url, minIntervalMs, fallbackMs, everyMs, initialVersion]);
}
