"use client";

import { useEffect, useRef, useState } from "react";
import { neutraliseControls } from "@/lib/logs/log-text";

/** What `status` events of the live tail carry (see server/runs/stream-run-log.ts). */
export interface LiveRunState {
  status: string;
  attempt: number;
  progressPercent: number | null;
  progressMessage: string | null;
  exitCode: number | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

const MAX_LINES = 200_000;
/** A line longer than this is cut (a log without newlines, such as \r progress bars). */
const MAX_LINE_CHARS = 64 * 1024;

export interface LiveLog {
  /** The lines received so far (a mutable array; `version` changes when it grows). */
  lines: string[];
  version: number;
  /** Lines dropped at the start (to keep the page light); the download has them all. */
  dropped: number;
  /** Bytes of the log before the first line shown (the view started mid-log). */
  skippedBytes: number;
  connected: boolean;
  ended: boolean;
  /** A message from the server about the live view itself. */
  problem: string | null;
}

/**
 * Follows a run's log over Server-Sent Events. Long logs start near their end
 * (`startAt`), and at most 200,000 lines are kept in the page.
 */
export function useLiveLog(
  runId: string,
  startAt: number,
  onState: (state: LiveRunState) => void,
): LiveLog {
  const lines = useRef<string[]>([]);
  const partial = useRef("");
  const dropped = useRef(0);
  const latestOnState = useRef(onState);
  latestOnState.current = onState;
  const [version, setVersion] = useState(0);
  const [connected, setConnected] = useState(false);
  const [ended, setEnded] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    lines.current = [];
    partial.current = "";
    let skipFirstLine = startAt > 0;
    let pending = 0;
    let frame = 0;
    const source = new EventSource(`/api/v1/runs/${runId}/logs?cursor=${startAt}`);
    const flush = () => {
      frame = 0;
      if (pending > 0) setVersion((v) => v + 1);
      pending = 0;
    };
    source.addEventListener("open", () => setConnected(true));
    source.addEventListener("log", (event) => {
      const { text: raw } = JSON.parse((event as MessageEvent<string>).data) as { text: string };
      // The server sends text without control characters; this view never relies on it.
      const text = neutraliseControls(raw);
      const parts = (partial.current + text).split("\n");
      partial.current = parts.pop() ?? "";
      if (partial.current.length > MAX_LINE_CHARS) {
        parts.push(`${partial.current.slice(0, MAX_LINE_CHARS)} […]`);
        partial.current = "";
      }
      if (skipFirstLine && parts.length > 0) {
        parts.shift(); // starting mid-log: the first line is incomplete
        skipFirstLine = false;
      }
      for (const line of parts) lines.current.push(line);
      if (lines.current.length > MAX_LINES) {
        const excess = lines.current.length - MAX_LINES;
        lines.current.splice(0, excess);
        dropped.current += excess;
      }
      pending += parts.length;
      // Render at most once a frame, however fast the log comes.
      frame ||= requestAnimationFrame(flush);
    });
    source.addEventListener("status", (event) => {
      latestOnState.current(JSON.parse((event as MessageEvent<string>).data) as LiveRunState);
    });
    source.addEventListener("end", () => {
      if (partial.current) lines.current.push(partial.current);
      partial.current = "";
      setVersion((v) => v + 1);
      setEnded(true);
      source.close();
    });
    source.addEventListener("problem", (event) => {
      setProblem((JSON.parse((event as MessageEvent<string>).data) as { message: string }).message);
    });
    // EventSource reconnects by itself (resuming from the last event id).
    source.addEventListener("error", () => setConnected(false));
    return () => {
      source.close();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [runId, startAt]);

  return {
    lines: lines.current,
    version,
    dropped: dropped.current,
    skippedBytes: startAt,
    connected,
    ended,
    problem,
  };
}
