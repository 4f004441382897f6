"use client";

import { useEffect, useState } from "react";

/**
 * Copies a text. The Clipboard API exists only on HTTPS or localhost; on a plain-HTTP
 * intranet it falls back to selecting the text for Ctrl+C and says so.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "manual">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("manual");
    }
  }

  return (
    <>
      <button type="button" className="btn btn-small" onClick={() => void copy()}>
        {state === "copied" ? "Copied" : "Copy"}
        <span className="sr-only"> {label}</span>
      </button>
      <span role="status" className="sr-only">
        {state === "copied" ? `${label} copied` : ""}
        {state === "manual"
          ? `Copying is not available here: select the ${label} and press Ctrl+C`
          : ""}
      </span>
      {state === "manual" ? <span className="muted">Select it and press Ctrl+C</span> : null}
    </>
  );
}
