"use client";

import { useState, type FormEvent } from "react";
import type { CreatedApiToken } from "@/lib/contract/account";
import { ApiProblem, callApi, messageOf } from "../ui/api-client";
import { ErrorAlert } from "../ui/error-alert";
import { FormField, invalidProps } from "../ui/form-field";
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
      <FormField id="token-name" label="Name" error={problem.name} className={styles.grow}>
        <input
          id="token-name"
          name="name"
          maxLength={100}
          required
          placeholder="e.g. cluster scripts"
          autoComplete="off"
          {...invalidProps("token-name", problem.name)}
        />
      </FormField>
      <FormField id="token-expiry" label="Expires after" error={problem.expiry}>
        <select
          id="token-expiry"
          name="expiresInDays"
          defaultValue="90"
          {...invalidProps("token-expiry", problem.expiry)}
        >
          {EXPIRY_CHOICES.map((choice) => (
            <option key={choice.days} value={choice.days}>
              {choice.label}
            </option>
          ))}
        </select>
      </FormField>
      <button type="submit" className={`btn btn-primary ${styles.submit}`} disabled={busy}>
        {busy ? "Creating…" : "Create token"}
      </button>
      <ErrorAlert message={problem.other} className={styles.full} />
    </form>
  );
}
