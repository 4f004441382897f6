"use client";

import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { isPlatformLine } from "@/lib/logs/log-text";
import styles from "./log-viewer.module.css";

const LINE_HEIGHT = 19;
const OVERSCAN = 30;

interface Props {
  lines: string[];
  /** Changes whenever `lines` grew. */
  version: number;
  /** Lines before the first one kept (numbering continues from there). */
  firstLineNumber: number;
  downloadHref: string;
  notice: string | null;
  /** "live", "reconnecting" or "finished": shown, so a dead stream never looks live. */
  connection: "live" | "reconnecting" | "finished";
}

/**
 * A windowed log view: only the lines in sight are in the DOM, so 100,000 lines
 * scroll as smoothly as 100. It follows the end while you are there; scroll up to
 * read and it stays put ("Follow" brings it back). Lines that begin with `[runport]` are
 * the platform's (the worker escapes a pipeline's that would), shown as such.
 */
export function LogViewer({
  lines,
  version,
  firstLineNumber,
  downloadHref,
  notice,
  connection,
}: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  const [follow, setFollow] = useState(true);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && follow) element.scrollTop = element.scrollHeight;
  }, [version, follow]);

  const total = lines.length;
  const start = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
  const end = Math.min(total, Math.ceil((scrollTop + height) / LINE_HEIGHT) + OVERSCAN);
  const gutter = String(firstLineNumber + total).length;

  return (
    <div className={styles.wrap}>
      <div className={styles.toolbar}>
        <span className="muted">
          {total.toLocaleString()} line{total === 1 ? "" : "s"}
          {notice ? ` · ${notice}` : ""} ·{" "}
          <span className={connection === "reconnecting" ? styles.reconnecting : undefined}>
            {connection === "live"
              ? "following live"
              : connection === "finished"
                ? "complete"
                : "reconnecting…"}
          </span>
        </span>
        <div className="row">
          <button
            type="button"
            className="btn btn-small"
            aria-pressed={follow}
            onClick={() => {
              setFollow(true);
              if (box.current) box.current.scrollTop = box.current.scrollHeight;
            }}
          >
            Follow the end
          </button>
          <a className="btn btn-small" href={downloadHref} download>
            Download the whole log
          </a>
        </div>
      </div>
      <div
        ref={box}
        className={styles.box}
        tabIndex={0}
        role="log"
        aria-label="Run log"
        aria-live="off"
        onScroll={(event) => {
          const element = event.currentTarget;
          setScrollTop(element.scrollTop);
          const atEnd =
            element.scrollTop + element.clientHeight >= element.scrollHeight - LINE_HEIGHT * 2;
          if (atEnd !== follow) setFollow(atEnd);
        }}
      >
        {total === 0 ? <div className={styles.empty}>No output yet.</div> : null}
        <div style={{ height: total * LINE_HEIGHT, position: "relative" }}>
          <div
            className={styles.lines}
            style={{ transform: `translateY(${start * LINE_HEIGHT}px)` }}
          >
            {lines.slice(start, end).map((line, i) => (
              <div
                key={start + i}
                className={isPlatformLine(line) ? `${styles.line} ${styles.system}` : styles.line}
              >
                <span className={styles.number} style={{ width: `${gutter + 1}ch` }}>
                  {firstLineNumber + start + i + 1}
                </span>
                {line}
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
