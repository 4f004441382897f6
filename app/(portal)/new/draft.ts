/** The new-run page keeps its text in localStorage, so that a reload loses nothing. */
const KEY = "runport:new-run:draft";

export interface Draft {
  pipeline: string;
  text: string;
  name: string;
}

/** The draft kept, if any (storage may be missing, disabled or hold something else). */
export function loadDraft(): Draft | null {
  try {
    const draft = JSON.parse(window.localStorage.getItem(KEY) ?? "null") as Partial<Draft> | null;
    if (typeof draft?.pipeline !== "string" || typeof draft.text !== "string") return null;
    const name = typeof draft.name === "string" ? draft.name : "";
    return { pipeline: draft.pipeline, text: draft.text, name };
  } catch {
    return null;
  }
}

export function saveDraft(draft: Draft): void {
  try {
    window.localStorage.setItem(KEY, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft is a convenience.
  }
}

export function clearDraft(): void {
  try {
    window.localStorage.removeItem(KEY);
  } catch {
    // Storage disabled: nothing is kept either.
  }
}
