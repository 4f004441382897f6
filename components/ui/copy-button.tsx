"use client";

import { useEffect, useState } from "react";

/** Copies with the Clipboard API, or (plain http on another host has none) a hidden textarea. */
async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text).then(
      () => true,
      () => false,
    );
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  try {
    return document.execCommand("copy");
  } finally {
    area.remove();
  }
}

/**
 * A copy button; says "Copied" (to screen readers too) for 2 s. `label` names what is
 * copied for assistive technology; `children` is the visible text (default "Copy").
 */
export function CopyButton({
  text,
  label,
  children,
}: {
  text: string;
  label: string;
  children?: string;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        type="button"
        className={children ? "btn" : "btn btn-small"}
        aria-label={label}
        onClick={() => void copyText(text).then((ok) => setState(ok ? "copied" : "failed"))}
      >
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : (children ?? "Copy")}
      </button>
      <span className="sr-only" role="status">
        {state === "copied"
          ? "Copied to the clipboard"
          : state === "failed"
            ? "Could not copy"
            : ""}
      </span>
    </>
  );
}
