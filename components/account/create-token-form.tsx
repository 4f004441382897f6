"use client";

import { useState, type FormEvent } from "react";
import type { CreatedApiToken } from "@/lib/contract/account";
import { ApiProblem, callApi, messageOf } from "../ui/api-client";
import styles from "./account.module.css";

const EXPIRY_CHOICES = [
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
  { days: 0, label: "Never" },
];

/** Name and expiry of a new token; POST /api/v1/tokens. */
export function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedApiToken) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ name?: string; expiry?: string; other?: string }>({});

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const rawName = data.get("name");
    const name = typeof rawName === "string" ? rawName.trim() : "";
    const days = Number(data.get("expiresInDays") ?? 0);
    if (!name) {
      setProblem({ name: "Give the token a name that says where it is used." });
      form.querySelector<HTMLInputElement>("#token-name")?.focus();
      return;
    }
    setBusy(true);
    setProblem({});
    try {
      const created = await callApi<CreatedApiToken>("POST", "/api/v1/tokens", {
        name,
        ...(days > 0 ? { expiresInDays: days } : {}),
      });
      form.reset();
      if (created) onCreated(created);
    } catch (error) {
      const field = error instanceof ApiProblem ? error : null;
      const nameProblem = field?.at("/name");
      const expiryProblem = field?.at("/expiresInDays");
      setProblem({
        ...(nameProblem ? { name: `Name ${nameProblem}` } : {}),
        ...(expiryProblem ? { expiry: `Expiry ${expiryProblem}` } : {}),
        ...(!nameProblem && !expiryProblem ? { other: messageOf(error) } : {}),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className={styles.createForm} onSubmit={(e) => void submit(e)} noValidate>
      <div className={`field ${styles.grow}`}>
        <label htmlFor="token-name">Name</label>
        <input
          id="token-name"
          name="name"
          maxLength={100}
          required
          placeholder="e.g. cluster scripts"
          autoComplete="off"
          aria-invalid={problem.name ? true : undefined}
          aria-describedby={problem.name ? "token-name-error" : undefined}
        />
        {problem.name ? (
          <span id="token-name-error" className={styles.fieldError} role="alert">
            {problem.name}
          </span>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="token-expiry">Expires after</label>
        <select
          id="token-expiry"
          name="expiresInDays"
          defaultValue="90"
          aria-invalid={problem.expiry ? true : undefined}
          aria-describedby={problem.expiry ? "token-expiry-error" : undefined}
        >
          {EXPIRY_CHOICES.map((choice) => (
            <option key={choice.days} value={choice.days}>
              {choice.label}
            </option>
          ))}
        </select>
        {problem.expiry ? (
          <span id="token-expiry-error" className={styles.fieldError} role="alert">
            {problem.expiry}
          </span>
        ) : null}
      </div>
      <button type="submit" className={`btn btn-primary ${styles.submit}`} disabled={busy}>
        {busy ? "Creating…" : "Create token"}
      </button>
      {problem.other ? (
        <div className={`alert alert-error ${styles.full}`} role="alert">
          {problem.other}
        </div>
      ) : null}
    </form>
  );
}
