"use client";

import { useState, type FormEvent } from "react";
import type { NotificationSettings } from "@/lib/contract/account";
import { END_STATUSES } from "@/lib/notify-statuses";
import { ApiProblem, callApi, messageOf } from "../ui/api-client";
import { ErrorAlert } from "../ui/error-alert";
import { FormField, invalidProps } from "../ui/form-field";
import styles from "./account.module.css";

/** Your mail address and the run ends mailed to you; PATCH /api/v1/account/notifications. */
export function NotificationSettingsForm({ initial }: { initial: NotificationSettings }) {
  const [settings, setSettings] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ email?: string; other?: string }>({});
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const data = new FormData(event.currentTarget);
    const field = data.get("email");
    const email = typeof field === "string" ? field.trim() : "";
    const chosen = data.get("mode") === "default" ? null : END_STATUSES.filter((s) => data.has(s));
    setBusy(true);
    setProblem({});
    try {
      const next = await callApi<NotificationSettings>("PATCH", "/api/v1/account/notifications", {
        email: email === "" ? null : email,
        emailStatuses: chosen,
      });
      if (next) setSettings(next);
      setSaved(true);
    } catch (error) {
      const at = error instanceof ApiProblem ? error.at("/email") : null;
      setProblem(at ? { email: `The address ${at}.` } : { other: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  const current = settings.emailStatuses ?? settings.defaultStatuses;
  return (
    <form className={styles.passwordForm} onSubmit={(e) => void submit(e)} noValidate>
      {settings.enabled ? null : (
        <p className="muted">This server sends no mail (no SMTP server is configured).</p>
      )}
      <FormField id="notify-email" label="E-mail address" error={problem.email}>
        <input
          id="notify-email"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={settings.email ?? ""}
          {...invalidProps("notify-email", problem.email)}
        />
      </FormField>
      <fieldset>
        <legend>Mail me when my run ends</legend>
        <label>
          <input
            type="radio"
            name="mode"
            value="default"
            defaultChecked={settings.emailStatuses === null}
          />{" "}
          as each pipeline chooses (usually: {settings.defaultStatuses.join(", ")})
        </label>
        <label>
          <input
            type="radio"
            name="mode"
            value="mine"
            defaultChecked={settings.emailStatuses !== null}
          />{" "}
          only when it ends:
        </label>
        {END_STATUSES.map((status) => (
          <label key={status}>
            <input type="checkbox" name={status} defaultChecked={current.includes(status)} />{" "}
            {status}
          </label>
        ))}
      </fieldset>
      <ErrorAlert message={problem.other} />
      {saved ? (
        <div className="alert alert-ok" role="status">
          Saved.
        </div>
      ) : null}
      <button type="submit" className="btn" disabled={busy}>
        Save notifications
      </button>
    </form>
  );
}
