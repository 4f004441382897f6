"use client";

import { memo, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { ArrayGrid, type GridChange } from "./array-grid";
import { ListCombobox } from "./list-combobox";
import { textFromValue, valueFromText, type FormField, type FormGroup } from "./schema-to-fields";
import styles from "./schema-form.module.css";

export interface SchemaFormProps {
  groups: readonly FormGroup[];
  /** The config as parsed from the editor's text (null: not a JSON object). */
  config: Record<string, unknown> | null;
  /** Why the text could not be read as a JSON object (then the form only points to JSON). */
  parseError: string | null;
  /** The validator's problems, by JSON Pointer (the same ones the JSON editor marks). */
  errors: ReadonlyMap<string, string>;
  onSet: (path: readonly string[], value: unknown) => void;
  onGrid: (field: FormField, current: readonly unknown[], changes: GridChange[]) => void;
  /** Shows the JSON tab at the value (for what the form cannot edit). */
  onEditInJson: (pointer: string) => void;
  idPrefix: string;
}

function valueAt(config: Record<string, unknown> | null, path: readonly string[]): unknown {
  let node: unknown = config;
  for (const key of path) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The first problem at the pointer or (for values the field holds whole) under it. */
function errorOf(errors: ReadonlyMap<string, string>, field: FormField): string | null {
  const own = errors.get(field.pointer);
  if (own || field.kind === "grid") return own ?? null;
  if (field.kind !== "string-array") return null;
  const prefix = `${field.pointer}/`;
  for (const [pointer, message] of errors)
    if (pointer.startsWith(prefix))
      return `item ${Number(pointer.slice(prefix.length)) + 1}: ${message}`;
  return null;
}

/** The errors of a grid's rows and cells (pointers under the array's). */
function errorsUnder(errors: ReadonlyMap<string, string>, pointer: string): Map<string, string> {
  const prefix = `${pointer}/`;
  const under = new Map<string, string>();
  for (const [p, message] of errors) if (p.startsWith(prefix)) under.set(p, message);
  return under;
}

/** Text typed in an input: kept as typed while the input has focus, else the config's value. */
function useDraft(value: unknown) {
  const shown = textFromValue(value);
  const [text, setText] = useState(shown);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setText(shown);
  }, [shown]);
  return {
    text,
    setText,
    focusProps: {
      onFocus: () => {
        focused.current = true;
      },
      onBlur: () => {
        focused.current = false;
      },
    },
  };
}

interface FieldProps {
  field: FormField;
  value: unknown;
  error: string | null;
  /** Problems of a grid's cells and rows. */
  cellErrors: ReadonlyMap<string, string> | null;
  onSet: SchemaFormProps["onSet"];
  onGrid: SchemaFormProps["onGrid"];
  onEditInJson: SchemaFormProps["onEditInJson"];
  id: string;
}

/** The required mark after a field's title (the input itself says aria-required). */
function RequiredMark() {
  return (
    <span className={styles.required} aria-hidden="true">
      {" "}
      *
    </span>
  );
}

function Label({ field, id }: { field: FormField; id: string }) {
  return (
    <label htmlFor={id} className={styles.label}>
      {field.title}
      {field.required ? <RequiredMark /> : null}
    </label>
  );
}

function Hints({ field }: { field: FormField }) {
  const parts: string[] = [];
  if (field.kind === "integer" || field.kind === "number") {
    if (field.minimum !== undefined && field.maximum !== undefined)
      parts.push(`${field.minimum} to ${field.maximum}`);
    else if (field.minimum !== undefined) parts.push(`at least ${field.minimum}`);
    else if (field.maximum !== undefined) parts.push(`at most ${field.maximum}`);
  }
  return parts.length ? <span className={styles.hint}> ({parts.join("; ")})</span> : null;
}

/** One field: its label, its input, its help text and its problem. */
const Field = memo(function Field({
  field,
  value,
  error,
  cellErrors,
  onSet,
  onGrid,
  onEditInJson,
  id,
}: FieldProps) {
  const helpId = field.description ? `${id}-help` : undefined;
  const errorId = `${id}-error`;
  const describedBy = [helpId, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  const aria = {
    "aria-invalid": error ? (true as const) : undefined,
    "aria-describedby": describedBy,
    "aria-required": field.required || undefined,
  };
  const set = (next: unknown) => onSet(field.path, next);
  // Only the text boxes keep a draft (never a grid's array: it would be serialized per render).
  const textBox = ![
    "boolean",
    "enum",
    "list",
    "textarea",
    "string-array",
    "grid",
    "unsupported",
  ].includes(field.kind);
  const draft = useDraft(textBox ? value : undefined);
  const wide =
    field.kind === "grid" ||
    field.kind === "textarea" ||
    field.kind === "unsupported" ||
    field.kind === "string-array";

  let control: ReactNode;
  switch (field.kind) {
    case "boolean": {
      const on = value === true;
      control = (
        <div className={styles.switchRow}>
          <button
            id={id}
            type="button"
            role="switch"
            aria-checked={on}
            className={styles.switch}
            onClick={() => set(!on)}
            {...aria}
          >
            <span className={styles.knob} aria-hidden="true" />
          </button>
          <span className={styles.switchText} aria-hidden="true">
            {value === undefined ? "Off (not set)" : on ? "On" : "Off"}
          </span>
        </div>
      );
      break;
    }
    case "enum": {
      const options = field.options ?? [];
      const index = options.findIndex((o) => o === value);
      control = (
        <select
          id={id}
          value={index >= 0 ? String(index) : value === undefined ? "" : "other"}
          onChange={(e) => set(e.target.value === "" ? undefined : options[Number(e.target.value)])}
          {...aria}
        >
          <option value="">— not set —</option>
          {index < 0 && value !== undefined ? (
            <option value="other" disabled>
              {textFromValue(value)} (not a choice)
            </option>
          ) : null}
          {options.map((o, i) => (
            <option key={i} value={String(i)}>
              {textFromValue(o)}
            </option>
          ))}
        </select>
      );
      break;
    }
    case "list":
      control = (
        <ListCombobox
          id={id}
          list={field.list ?? ""}
          value={typeof value === "string" ? value : textFromValue(value)}
          onChange={(text) => set(text === "" ? undefined : text)}
          describedBy={describedBy}
          invalid={Boolean(error)}
          required={field.required}
        />
      );
      break;
    case "textarea":
    case "string-array": {
      const array = field.kind === "string-array";
      const shown = array && Array.isArray(value) ? value.map(textFromValue).join("\n") : null;
      control = (
        <TextArea
          id={id}
          value={shown ?? value}
          aria={aria}
          rows={array ? 4 : 3}
          onText={(text) =>
            set(
              array
                ? text === ""
                  ? undefined
                  : text.split("\n").filter((line) => line.trim() !== "")
                : valueFromText(field, text),
            )
          }
        />
      );
      break;
    }
    case "grid": {
      const rows = Array.isArray(value) ? value : [];
      control = (
        <ArrayGrid
          label={field.title}
          pointer={field.pointer}
          itemSchema={field.itemSchema ?? {}}
          value={rows}
          onChange={(changes) => onGrid(field, rows, changes)}
          errors={cellErrors ?? new Map()}
          minItems={field.minItems}
          maxItems={field.maxItems}
          idPrefix={id}
        />
      );
      break;
    }
    case "unsupported":
      control = (
        <div className={styles.unsupported}>
          <span>
            {value === undefined ? "Not set." : "Set in the JSON."} The form cannot edit this value
            ({field.reason ?? "not supported"}).
          </span>
          <button
            id={id}
            type="button"
            className="btn btn-small"
            aria-label={`Edit ${field.title} in JSON`}
            onClick={() => onEditInJson(field.pointer)}
          >
            Edit in JSON
          </button>
        </div>
      );
      break;
    default: {
      const numeric = field.kind === "integer" || field.kind === "number";
      control = (
        <input
          id={id}
          type={field.kind === "email" ? "email" : field.kind === "date" ? "date" : "text"}
          inputMode={
            field.kind === "integer" ? "numeric" : field.kind === "number" ? "decimal" : undefined
          }
          spellCheck={numeric || field.kind === "email" ? false : undefined}
          value={draft.text}
          onChange={(e) => {
            draft.setText(e.target.value);
            set(valueFromText(field, e.target.value));
          }}
          {...draft.focusProps}
          {...aria}
        />
      );
    }
  }

  // Under the input, so the inputs of a row line up; above a grid or a JSON-only value.
  const helpAbove = field.kind === "grid" || field.kind === "unsupported";
  const help = field.description ? (
    <p id={helpId} className={styles.help}>
      {field.description}
      <Hints field={field} />
    </p>
  ) : null;
  return (
    <div
      className={`field ${styles.field} ${wide ? styles.wide : ""}`}
      data-pointer={field.pointer}
      data-kind={field.kind}
    >
      {field.kind === "grid" || field.kind === "unsupported" ? (
        <span className={styles.label} id={`${id}-label`}>
          {field.title}
          {field.required ? <RequiredMark /> : null}
        </span>
      ) : (
        <Label field={field} id={id} />
      )}
      {helpAbove ? help : null}
      {control}
      {error ? (
        <span id={errorId} className="field-error">
          {field.kind === "grid" ? `${field.title}: ` : ""}
          {error}
        </span>
      ) : null}
      {helpAbove ? null : help}
    </div>
  );
});

function TextArea({
  id,
  value,
  aria,
  rows,
  onText,
}: {
  id: string;
  value: unknown;
  aria: Record<string, unknown>;
  rows: number;
  onText: (text: string) => void;
}) {
  const draft = useDraft(value);
  return (
    <textarea
      id={id}
      rows={rows}
      value={draft.text}
      onChange={(e) => {
        draft.setText(e.target.value);
        onText(e.target.value);
      }}
      {...draft.focusProps}
      {...aria}
    />
  );
}

/**
 * The Form tab of the New run page: the pipeline's schema as labelled inputs, grouped in
 * sections (see ./schema-to-fields.ts), each showing the validator's problem at its value.
 * It holds no config of its own: it shows the editor's text as parsed, and every input
 * writes edits to that text (the caller applies them to the editor, undoable).
 */
export function SchemaForm(props: SchemaFormProps) {
  const { groups, config, parseError, errors, onSet, onGrid, onEditInJson, idPrefix } = props;
  const grids = useMemo(
    () => groups.flatMap((g) => g.fields).filter((f) => f.kind === "grid"),
    [groups],
  );
  // A grid's cell errors only change when the problems do (not at every keystroke elsewhere).
  const cellErrors = useMemo(
    () => new Map(grids.map((f) => [f.pointer, errorsUnder(errors, f.pointer)])),
    [grids, errors],
  );
  if (parseError) {
    return (
      <div className="alert alert-error" role="alert">
        <strong>The form cannot read the config:</strong> {parseError}{" "}
        <button type="button" className="btn btn-small" onClick={() => onEditInJson("")}>
          Fix it in JSON
        </button>
      </div>
    );
  }
  return (
    <div className={styles.form}>
      {groups.map((group) => (
        <fieldset key={group.id} className={styles.group}>
          {group.title ? <legend className={styles.legend}>{group.title}</legend> : null}
          {group.description ? <p className={styles.groupHelp}>{group.description}</p> : null}
          <div className={styles.fields}>
            {group.fields.map((field) => (
              <Field
                key={field.pointer}
                field={field}
                value={valueAt(config, field.path)}
                error={errorOf(errors, field)}
                cellErrors={cellErrors.get(field.pointer) ?? null}
                onSet={onSet}
                onGrid={onGrid}
                onEditInJson={onEditInJson}
                id={`${idPrefix}${field.pointer.replace(/[^A-Za-z0-9_-]/g, "_")}`}
              />
            ))}
          </div>
        </fieldset>
      ))}
    </div>
  );
}
