/** The new-run page keeps its text in localStorage, so that a reload loses nothing. */
const KEY = "runport:new-run:draft";

export interface Draft {
  pipeline: string;
  text: string;
  name: string;
}

export function loadDraft(): Draft | null {
  if (typeof window === "undefined") return null;
  try {
    const draft = JSON.parse(window.localStorage.getItem(KEY) ?? "null") as Partial<Draft> | null;
    return draft && typeof draft.pipeline === "string" && typeof draft.text === "string"
      ? {
          pipeline: draft.pipeline,
          text: draft.text,
          name: typeof draft.name === "string" ? draft.name : "",
        }
      : null;
  } catch {
    return null;
  }
}

export function saveDraft(draft: Draft): void {
  try {
    // Very large documents are not kept (localStorage holds about 5 MB per site).
    if (draft.text.length < 2_000_000) window.localStorage.setItem(KEY, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft is a convenience.
  }
}

export function clearDraft(): void {
  try {
    window.localStorage.removeItem(KEY);
  } catch {
    // ignore
  }
}
