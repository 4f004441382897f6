"use client";

import { useEffect, useEffectEvent, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { GridChange } from "@/components/schema-form/array-grid";
import { canShowAsGrid } from "@/components/schema-form/array-grid";
import { gridEdits, setValueEdits } from "@/components/schema-form/config-edits";
import { applyGridChanges } from "@/components/schema-form/grid-values";
import { SchemaForm } from "@/components/schema-form/schema-form";
import {
  mostlyRepresentable,
  schemaToFields,
  type FormField,
  type FormGroup,
} from "@/components/schema-form/schema-to-fields";
import type { TextEdit } from "@/components/editor/validation-protocol";
import { isJsonObject, parseJson } from "@/lib/json/parse-json";
import styles from "./new-run.module.css";

export type ConfigTab = "form" | "json";

/** The tab last chosen, kept for the next visit (the browser's own storage). */
const TAB_KEY = "runport:new-run:tab";

function storedTab(): ConfigTab | null {
  try {
    const value = window.localStorage.getItem(TAB_KEY);
    return value === "form" || value === "json" ? value : null;
  } catch {
    return null;
  }
}

/** The form's sections for a schema (null before it is loaded). */
export function useFormGroups(schema: Record<string, unknown> | null): FormGroup[] | null {
  return useMemo(() => (schema ? schemaToFields(schema, { canShowAsGrid }) : null), [schema]);
}

/**
 * Which tab shows: the one last chosen, else Form when the form can show most of the
 * pipeline's schema (a new user fills a form without touching JSON), else JSON. A schema
 * the form cannot show at all always opens on JSON.
 */
export function useConfigTab(groups: FormGroup[] | null) {
  const [chosen, setChosen] = useState<ConfigTab | null>(null);
  // Read after hydration (the server has no storage).
  useEffect(() => setChosen(storedTab()), []);
  const editable = groups
    ? groups.some((g) => g.fields.some((f) => f.kind !== "unsupported"))
    : true;
  const fallback: ConfigTab = groups && !mostlyRepresentable(groups) ? "json" : "form";
  const tab: ConfigTab = !editable ? "json" : (chosen ?? fallback);
  const choose = (next: ConfigTab) => {
    setChosen(next);
    try {
      window.localStorage.setItem(TAB_KEY, next);
    } catch {
      // storage full or disabled: the choice lasts for this page only
    }
  };
  return { tab, choose, formAvailable: editable };
}

/** The tabs "Form" | "JSON": a tablist, the arrow keys (and Home/End) move between them. */
export function ConfigTabs({
  tab,
  onChoose,
  formAvailable,
}: {
  tab: ConfigTab;
  onChoose: (tab: ConfigTab) => void;
  formAvailable: boolean;
}) {
  const refs = useRef<Record<ConfigTab, HTMLButtonElement | null>>({ form: null, json: null });
  const tabs: { id: ConfigTab; label: string }[] = [
    { id: "form", label: "Form" },
    { id: "json", label: "JSON" },
  ];
  const onKeyDown = (event: KeyboardEvent) => {
    const order: ConfigTab[] = formAvailable ? ["form", "json"] : ["json"];
    const at = order.indexOf(tab);
    let next: ConfigTab | undefined;
    if (event.key === "ArrowRight") next = order[(at + 1) % order.length];
    else if (event.key === "ArrowLeft") next = order[(at - 1 + order.length) % order.length];
    else if (event.key === "Home") next = order[0];
    else if (event.key === "End") next = order[order.length - 1];
    if (!next) return;
    event.preventDefault();
    onChoose(next);
    refs.current[next]?.focus();
  };
  return (
    <div
      role="tablist"
      aria-label="Edit the config as"
      className={styles.tabs}
      onKeyDown={onKeyDown}
    >
      {tabs.map(({ id, label }) => (
        <button
          key={id}
          ref={(el) => {
            refs.current[id] = el;
          }}
          type="button"
          role="tab"
          id={`config-tab-${id}`}
          aria-selected={tab === id}
          aria-controls={`config-panel-${id}`}
          tabIndex={tab === id ? 0 : -1}
          disabled={id === "form" && !formAvailable}
          className={styles.tab}
          onClick={() => onChoose(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

type Parsed = { config: Record<string, unknown> | null; error: string | null };

function parse(text: string): Parsed {
  const result = parseJson(text);
  if (!result.ok)
    return {
      config: null,
      error: `${result.message} (line ${result.position.line}, column ${result.position.column}).`,
    };
  return isJsonObject(result.value)
    ? { config: result.value, error: null }
    : { config: null, error: "The config is not a JSON object." };
}

/** A copy of `root` with the value at `path` set (undefined removes it); objects on the way made. */
function setIn(root: Record<string, unknown>, path: readonly string[], value: unknown) {
  const [key, ...rest] = path;
  if (key === undefined) return root;
  const copy = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return copy;
  }
  const child = copy[key];
  copy[key] = setIn(isJsonObject(child) ? child : {}, rest, value);
  return copy;
}

/** The pause after a change before the text is parsed again for the form. */
const PARSE_PAUSE_MS = 40;

/**
 * The Form tab's content: the editor's text parsed (after a pause in its changes, only while
 * the tab shows), the form over it, and the form's inputs turned into edits of the text.
 * The form's own edits update what it shows at once (no re-parse of a 5 MB text for them).
 */
export function FormPanel({
  groups,
  active,
  textVersion,
  getText,
  applyEdits,
  problems,
  onEditInJson,
}: {
  groups: FormGroup[] | null;
  active: boolean;
  textVersion: number;
  getText: () => string | undefined;
  applyEdits: (edits: TextEdit[]) => void;
  /** The validator's problems (and the server's, after a refusal), with JSON Pointers. */
  problems: readonly { path: string; message: string }[];
  onEditInJson: (pointer: string) => void;
}) {
  const [parsed, setParsed] = useState<Parsed | null>(null);
  /** The text version the form's own last edit made, and what the form shows for it. */
  const own = useRef<{ version: number } | null>(null);
  const versionNow = useRef(textVersion);
  versionNow.current = textVersion;
  const read = useEffectEvent(() => {
    const text = getText();
    if (text !== undefined) setParsed(parse(text));
  });
  useEffect(() => {
    if (!active || textVersion === 0) return;
    if (own.current?.version === textVersion) return; // the form made this text: shown already
    own.current = null;
    const timer = setTimeout(read, parsed ? PARSE_PAUSE_MS : 0);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- parsed: only whether there is one
  }, [active, textVersion]);

  const errors = useMemo(() => {
    const map = new Map<string, string>();
    for (const p of problems) if (!map.has(p.path)) map.set(p.path, p.message);
    return map;
  }, [problems]);

  const latest = useRef({ parsed, getText, applyEdits });
  latest.current = { parsed, getText, applyEdits };
  // Stable handlers (reading the latest props): a field re-renders only when its own value
  // or problem changes, not at every keystroke elsewhere in the form.
  const handlers = useMemo(() => {
    /** Applies the form's edits, and shows their result without waiting for a parse. */
    const write = (edits: TextEdit[], next: Record<string, unknown>) => {
      if (edits.length === 0) return;
      own.current = { version: versionNow.current + 1 };
      setParsed({ config: next, error: null });
      latest.current.applyEdits(edits);
    };
    return {
      onSet: (path: readonly string[], value: unknown) => {
        const text = latest.current.getText();
        const config = latest.current.parsed?.config;
        if (text === undefined || !config) return;
        write(setValueEdits(text, [...path], value), setIn(config, path, value));
      },
      onGrid: (field: FormField, current: readonly unknown[], changes: GridChange[]) => {
        const text = latest.current.getText();
        const config = latest.current.parsed?.config;
        if (text === undefined || !config) return;
        performance.mark("runport:form-edit"); // npm run bench reads it
        const next = applyGridChanges(current, changes);
        write(gridEdits(text, field.path, current, changes), setIn(config, field.path, next));
      },
    };
  }, []);

  if (!groups || !parsed) return <p className="muted">Loading the form…</p>;
  return (
    <SchemaForm
      groups={groups}
      config={parsed.config}
      parseError={parsed.error}
      errors={errors}
      onSet={handlers.onSet}
      onGrid={handlers.onGrid}
      onEditInJson={onEditInJson}
      idPrefix="form"
    />
  );
}
