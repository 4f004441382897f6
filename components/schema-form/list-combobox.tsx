"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { ListValues } from "@/lib/contract/lists";
import styles from "./schema-form.module.css";

/** Values asked for per search (the server searches; the browser never holds a list). */
export const LIST_SEARCH_LIMIT = 20;
/** The pause in typing before the server is asked. */
const DEBOUNCE_MS = 150;

type Item = ListValues["items"][number];

/** The values of `list` matching `q`; null when the list cannot be searched (no such list, away). */
async function search(list: string, q: string, signal: AbortSignal): Promise<Item[] | null> {
  const query = new URLSearchParams({ q, limit: String(LIST_SEARCH_LIMIT) });
  const response = await fetch(`/api/v1/lists/${encodeURIComponent(list)}/values?${query}`, {
    cache: "no-store",
    signal,
  });
  if (!response.ok) return null;
  return ((await response.json()) as ListValues).items;
}

/**
 * A searchable select of a reference list's values (`x-runport-list`): an ARIA 1.2 combobox
 * (a text input with a listbox popup), searched on the server as one types (after a pause),
 * each value shown with its label. Arrow keys move in the list, Enter picks, Escape closes.
 * Whatever is typed is kept as the value: a value the list does not hold is marked as the
 * server will refuse it ("is not a known value of the list ...").
 */
export function ListCombobox({
  id,
  list,
  value,
  onChange,
  describedBy,
  invalid,
  required,
}: {
  id: string;
  list: string;
  value: string;
  onChange: (value: string) => void;
  describedBy?: string;
  invalid: boolean;
  required: boolean;
}) {
  const listboxId = useId();
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Item[]>([]);
  /** The option the arrows are on, by value: a newer answer to the search keeps it if it has it. */
  const [activeValue, setActiveValue] = useState<string | null>(null);
  const active = activeValue === null ? -1 : items.findIndex((i) => i.value === activeValue);
  const [searched, setSearched] = useState<{ q: string; found: boolean } | null>(null);
  const focused = useRef(false);

  // The config changed elsewhere (the JSON tab, undo): shown unless one is typing here.
  useEffect(() => {
    if (!focused.current) setText(value);
  }, [value]);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      search(list, text, controller.signal).then(
        (found) => {
          setItems(found ?? []);
          setSearched(
            found === null ? null : { q: text, found: found.some((i) => i.value === text) },
          );
        },
        () => undefined, // aborted by the next keystroke, or the server away: nothing to say
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [list, text]);

  // The active option stays in view as the arrows move through a long list.
  useEffect(() => {
    if (active >= 0)
      document.getElementById(`${listboxId}-${active}`)?.scrollIntoView?.({ block: "nearest" });
  }, [active, listboxId]);

  const commit = (next: string) => {
    setText(next);
    onChange(next);
  };
  const pick = (item: Item) => {
    commit(item.value);
    setOpen(false);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) {
        setOpen(true);
        if (event.altKey) return;
      }
      const step = event.key === "ArrowDown" ? 1 : -1;
      const count = items.length;
      const next =
        count === 0
          ? -1
          : active < 0
            ? step > 0
              ? 0
              : count - 1
            : (active + step + count) % count;
      setActiveValue(items[next]?.value ?? null);
    } else if (event.key === "Enter" && open && active >= 0 && items[active]) {
      event.preventDefault();
      pick(items[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setOpen(false);
    }
  };

  const current = items.find((i) => i.value === text);
  // Until the server's own check (the page's path and list check, once the config is valid)
  // says it at the field, the search tells that the value is not in the list.
  const unknown =
    !invalid && text !== "" && searched !== null && searched.q === text && !searched.found;
  const noteId = `${id}-list-note`;
  const described = [describedBy, unknown ? noteId : null].filter(Boolean).join(" ");
  const activeId = open && active >= 0 ? `${listboxId}-${active}` : undefined;
  return (
    <div className={styles.combo}>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={open && items.length > 0}
        aria-controls={listboxId}
        aria-activedescendant={activeId}
        aria-invalid={invalid || unknown || undefined}
        aria-required={required || undefined}
        aria-describedby={described || undefined}
        value={text}
        onChange={(e) => {
          commit(e.target.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => {
          focused.current = true;
        }}
        onBlur={() => {
          focused.current = false;
          setOpen(false);
        }}
        onClick={() => setOpen((o) => !o)}
      />
      {current?.label ? <span className={styles.comboLabel}>{current.label}</span> : null}
      <ul
        id={listboxId}
        role="listbox"
        aria-label={`Values of the list ${list}`}
        className={styles.listbox}
        hidden={!open || items.length === 0}
      >
        {items.map((item, i) => (
          <li
            key={item.value}
            id={`${listboxId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={styles.option}
            // mousedown, not click: the input keeps its focus (no blur closing the list first).
            onMouseDown={(e) => {
              e.preventDefault();
              pick(item);
            }}
          >
            <span className={styles.optionValue}>{item.value}</span>
            {item.label ? <span className={styles.optionLabel}>{item.label}</span> : null}
          </li>
        ))}
      </ul>
      {unknown ? (
        <span id={noteId} className="field-error">
          is not a known value of the list {list}
        </span>
      ) : null}
    </div>
  );
}
