"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { ApiProblem, callApi } from "@/components/ui/api-client";
import { ErrorAlert } from "@/components/ui/error-alert";
import { FormField, invalidProps } from "@/components/ui/form-field";
import type { ListView } from "@/lib/contract/lists";
import { describeCron } from "@/lib/schedules/describe-cron";
import {
  listRequestOf,
  problemsOf,
  type FormatName,
  type ListFormFields,
  type ListFormProblems,
  type SourceKind,
} from "./list-form-fields";
import styles from "./lists.module.css";

/** What the operator allowed (env), shown where an admin types a source. */
export interface SourceLimits {
  urlHosts: string[];
  commands: string[];
  fileRoots: string[];
}

interface Props {
  /** Unique on the page: the controls' ids start with it. */
  idPrefix: string;
  /** The list's name when editing it (PATCH), none to define one (POST). */
  editing?: string;
  initial: ListFormFields;
  limits: SourceLimits;
  onSaved: (list: ListView) => void;
  onCancel?: () => void;
}

const KINDS: { kind: SourceKind; label: string }[] = [
  { kind: "file", label: "A file on the server" },
  { kind: "url", label: "An HTTP(S) URL" },
  { kind: "command", label: "A command" },
];

const allowed = (names: string[]) =>
  names.length > 0 ? names.join(", ") : "none (the operator allowed none)";

/** Defines a list or changes one: source, how to read it, schedule. */
export function ListForm({ idPrefix, editing, initial, limits, onSaved, onCancel }: Props) {
  const [fields, setFields] = useState(initial);
  const [problems, setProblems] = useState<ListFormProblems>({});
  const [busy, setBusy] = useState(false);
  const id = (field: string) => `${idPrefix}-${field}`;
  const set = <K extends keyof ListFormFields>(key: K, value: ListFormFields[K]) =>
    setFields((current) => ({ ...current, [key]: value }));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setProblems({});
    const { name, ...changes } = listRequestOf(fields);
    try {
      const saved = editing
        ? await callApi<ListView>("PATCH", `/api/v1/lists/${encodeURIComponent(editing)}`, changes)
        : await callApi<ListView>("POST", "/api/v1/lists", { name, ...changes });
      if (saved) onSaved(saved);
    } catch (error) {
      setProblems(problemsOf(error instanceof Error ? error : new ApiProblem(0, String(error))));
    } finally {
      setBusy(false);
    }
  }

  /** A text input bound to a field, with its error and an optional hint under it. */
  function text(key: keyof ListFormFields, label: string, hint?: ReactNode, extra = {}) {
    const hintId = hint ? id(`${key}-hint`) : undefined;
    return (
      <FormField id={id(key)} label={label} error={problems[key]} className={styles.grow}>
        <input
          id={id(key)}
          value={String(fields[key])}
          onChange={(e) => set(key, e.target.value as never)}
          autoComplete="off"
          spellCheck={false}
          {...extra}
          {...invalidProps(id(key), problems[key], hintId)}
        />
        {hint ? (
          <span id={hintId} className={styles.hint}>
            {hint}
          </span>
        ) : null}
      </FormField>
    );
  }

  const words = describeCron(fields.cron);
  return (
    <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate>
      {editing
        ? null
        : text("name", "Name", "What schemas name: x-runport-list", { maxLength: 64 })}
      {text("description", "Description", undefined, { maxLength: 500 })}
      <fieldset className={`${styles.group} ${styles.full}`}>
        <legend>Source</legend>
        <div className={styles.kinds}>
          {KINDS.map(({ kind, label }) => (
            <label key={kind}>
              <input
                type="radio"
                name={id("kind")}
                value={kind}
                checked={fields.kind === kind}
                onChange={() => set("kind", kind)}
              />{" "}
              {label}
            </label>
          ))}
        </div>
        {fields.kind === "file"
          ? text(
              "path",
              "Path",
              <>
                Absolute, inside one of: {allowed(limits.fileRoots)} (LIST_FILE_ROOTS, DATA_ROOTS)
              </>,
              { className: styles.mono },
            )
          : null}
        {fields.kind === "url"
          ? text(
              "url",
              "URL",
              <>Its host must be one of: {allowed(limits.urlHosts)} (LIST_URL_HOSTS)</>,
              { className: styles.mono, type: "url" },
            )
          : null}
        {fields.kind === "command" ? (
          <>
            <FormField
              id={id("argv")}
              label="Command"
              error={problems.argv}
              className={styles.grow}
            >
              <textarea
                id={id("argv")}
                rows={4}
                value={fields.argv}
                onChange={(e) => set("argv", e.target.value)}
                spellCheck={false}
                className={styles.mono}
                placeholder={"sacctmgr\n-nP\nshow\naccount\nformat=account"}
                {...invalidProps(id("argv"), problems.argv, id("argv-hint"))}
              />
              <span id={id("argv-hint")} className={styles.hint}>
                One argument per line, run without a shell. The program must be one of:{" "}
                {allowed(limits.commands)} (LIST_COMMANDS).
              </span>
            </FormField>
            <div className={`field ${styles.grow}`}>
              <label className={styles.check}>
                <input
                  type="checkbox"
                  checked={fields.perUser}
                  onChange={(e) => set("perUser", e.target.checked)}
                  {...invalidProps(id("perUser"), problems.perUser)}
                />{" "}
                Per user: run once per user, <code>{"{username}"}</code> in an argument stands for
                their name
              </label>
              {problems.perUser ? (
                <span id={id("perUser-error")} className="field-error" role="alert">
                  {problems.perUser}
                </span>
              ) : null}
            </div>
          </>
        ) : null}
      </fieldset>
      <fieldset className={`${styles.group} ${styles.full}`}>
        <legend>How to read it</legend>
        <FormField id={id("format")} label="Format">
          <select
            id={id("format")}
            value={fields.format}
            onChange={(e) => set("format", e.target.value as FormatName)}
          >
            <option value="csv">CSV</option>
            <option value="tsv">TSV</option>
            <option value="json">JSON (an array)</option>
            <option value="lines">One value per line</option>
          </select>
        </FormField>
        {fields.format === "csv" || fields.format === "tsv" ? (
          <>
            {text("valueColumn", "Value column", "A header name, or an index from 0")}
            {text("labelColumn", "Label column (optional)")}
            <label className={styles.check}>
              <input
                type="checkbox"
                checked={fields.header}
                onChange={(e) => set("header", e.target.checked)}
              />{" "}
              The first line names the columns
            </label>
          </>
        ) : null}
        {fields.format === "json" ? (
          <>
            {text("items", "Array at", "A JSON Pointer; empty: the document itself", {
              className: styles.mono,
              placeholder: "/accounts",
            })}
            {text("valuePointer", "Value at (in each item)", "empty: the item itself", {
              className: styles.mono,
              placeholder: "/id",
            })}
            {text("labelPointer", "Label at (optional)", undefined, { className: styles.mono })}
          </>
        ) : null}
      </fieldset>
      {text(
        "cron",
        "Refresh schedule (cron)",
        <>{words ? `Refreshed ${words}. ` : ""}minute hour day-of-month month day-of-week</>,
        { className: styles.mono },
      )}
      {text("timeZone", "Time zone")}
      <ErrorAlert message={problems.other} className={styles.full} />
      <div className={`row ${styles.full}`}>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Saving…" : editing ? "Save changes" : "Define list"}
        </button>
        {onCancel ? (
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}
