"use client";

import { useRef, useState, type FormEvent } from "react";
import { ApiProblem, callApi, messageOf } from "../ui/api-client";
import { ErrorAlert } from "../ui/error-alert";
import { FormField, invalidProps } from "../ui/form-field";
import styles from "./account.module.css";

type Field = "current" | "next" | "repeat";
type Problems = Partial<Record<Field | "other", string>>;

const FIELDS: { id: Field; label: string; autoComplete: string }[] = [
  { id: "current", label: "Current password", autoComplete: "current-password" },
  { id: "next", label: "New password", autoComplete: "new-password" },
  { id: "repeat", label: "Repeat the new password", autoComplete: "new-password" },
];

function checkLocally(values: Record<Field, string>, minLength: number): Problems {
  if (!values.current) return { current: "Enter your current password." };
  if (values.next.length < minLength)
    return { next: `The new password needs at least ${minLength} characters.` };
  if (values.next === values.current)
    return { next: "The new password must differ from the current one." };
  if (values.repeat !== values.next)
    return { repeat: "The two new passwords are not the same: type it again." };
  return {};
}

/** Current, new, repeat; POST /api/v1/account/password. */
export function ChangePasswordForm({
  username,
  minLength,
}: {
  username: string;
  minLength: number;
}) {
  const form = useRef<HTMLFormElement>(null);
  const done = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problems>({});
  const [changed, setChanged] = useState(false);

  function show(next: Problems) {
    setProblems(next);
    const first = FIELDS.find((f) => next[f.id]);
    if (first) form.current?.querySelector<HTMLInputElement>(`#pw-${first.id}`)?.focus();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setChanged(false);
    const data = new FormData(event.currentTarget);
    const text = (key: Field) => {
      const value = data.get(key);
      return typeof value === "string" ? value : "";
    };
    const values = { current: text("current"), next: text("next"), repeat: text("repeat") };
    const local = checkLocally(values, minLength);
    if (Object.keys(local).length > 0) return show(local);
    setBusy(true);
    setProblems({});
    try {
      await callApi("POST", "/api/v1/account/password", {
        currentPassword: values.current,
        newPassword: values.next,
      });
      form.current?.reset();
      setChanged(true);
      requestAnimationFrame(() => done.current?.focus());
    } catch (error) {
      const problem = error instanceof ApiProblem ? error : null;
      const current = problem?.at("/currentPassword");
      const next = problem?.at("/newPassword");
      show({
        ...(current ? { current: `The current password ${current}.` } : {}),
        ...(next ? { next: `The new password ${next}.` } : {}),
        ...(!current && !next ? { other: messageOf(error) } : {}),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form ref={form} className={styles.passwordForm} onSubmit={(e) => void submit(e)} noValidate>
      {/* Lets password managers file the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      {FIELDS.map((field) => (
        <FormField
          key={field.id}
          id={`pw-${field.id}`}
          label={field.label}
          error={problems[field.id]}
        >
          <input
            id={`pw-${field.id}`}
            name={field.id}
            type="password"
            autoComplete={field.autoComplete}
            required
            {...invalidProps(
              `pw-${field.id}`,
              problems[field.id],
              field.id === "next" ? "pw-next-hint" : undefined,
            )}
          />
          {field.id === "next" && !problems.next ? (
            <span id="pw-next-hint" className={`muted ${styles.hint}`}>
              At least {minLength} characters. A passphrase of a few words is easy to type.
            </span>
          ) : null}
        </FormField>
      ))}
      <ErrorAlert message={problems.other} />
      {changed ? (
        <div ref={done} tabIndex={-1} className="alert alert-ok" role="status">
          Password changed. Every browser session ends with it (this one too): sign in again with
          the new password. Your API tokens keep working.{" "}
          <a href="/signin?callbackUrl=%2Faccount">Sign in again</a>
        </div>
      ) : null}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
