"use client";

import { useEffect, useRef } from "react";

/**
 * GETs `url` every `intervalMs` while the tab is visible, one request at a time, and hands
 * each answer's JSON to `onAnswer` (null when the server refused or did not answer).
 */
export function usePolling<T>(url: string, intervalMs: number, onAnswer: (body: T | null) => void) {
  const latest = useRef(onAnswer);
  useEffect(() => {
    latest.current = onAnswer;
  });
  useEffect(() => {
    let stopped = false;
    let inFlight = false;
    const timer = setInterval(() => {
      if (inFlight || document.visibilityState !== "visible") return;
      inFlight = true;
      void fetch(url, { cache: "no-store" })
        .then(async (response) => (response.ok ? ((await response.json()) as T) : null))
        .catch(() => null)
        .then((body) => {
          inFlight = false;
          if (!stopped) latest.current(body);
        });
    }, intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [url, intervalMs]);
}
