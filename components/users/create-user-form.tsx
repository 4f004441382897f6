"use client";

import { useState, type FormEvent } from "react";
import { USER_ROLES } from "@/lib/roles";
import type { CreatedUser } from "@/lib/contract/users";
import { ApiProblem, callApi, messageOf } from "../ui/api-client";
import { ErrorAlert } from "../ui/error-alert";
import { FormField, invalidProps } from "../ui/form-field";
import styles from "./users.module.css";

type Problems = { username?: string; role?: string; email?: string; other?: string };

/** Name, role and e-mail of a new user; POST /api/v1/users (the password is generated). */
export function CreateUserForm({ onCreated }: { onCreated: (created: CreatedUser) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problems>({});

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === "string" ? value.trim() : "";
    };
    setBusy(true);
    setProblem({});
    try {
      const created = await callApi<CreatedUser>("POST", "/api/v1/users", {
        username: text("username"),
        role: text("role"),
        ...(text("email") ? { email: text("email") } : {}),
      });
      form.reset();
      if (created) onCreated(created);
    } catch (error) {
      const at = (path: string) => (error instanceof ApiProblem ? error.at(path) : undefined);
      const found: Problems = {
        ...(at("/username") ? { username: `Username ${at("/username")}` } : {}),
        ...(at("/role") ? { role: `Role ${at("/role")}` } : {}),
        ...(at("/email") ? { email: `E-mail ${at("/email")}` } : {}),
      };
      setProblem(Object.keys(found).length > 0 ? found : { other: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className={styles.createForm} onSubmit={(e) => void submit(e)} noValidate>
      <FormField id="user-name" label="Username" error={problem.username} className={styles.grow}>
        <input
          id="user-name"
          name="username"
          required
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. alice"
          {...invalidProps("user-name", problem.username)}
        />
      </FormField>
      <FormField id="user-role" label="Role" error={problem.role}>
        <select
          id="user-role"
          name="role"
          defaultValue="submitter"
          {...invalidProps("user-role", problem.role)}
        >
          {USER_ROLES.map((role) => (
            <option key={role}>{role}</option>
          ))}
        </select>
      </FormField>
      <FormField id="user-email" label="E-mail (optional)" error={problem.email}>
        <input
          id="user-email"
          name="email"
          type="email"
          autoComplete="off"
          {...invalidProps("user-email", problem.email)}
        />
      </FormField>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? "Creating…" : "Create user"}
      </button>
      <ErrorAlert message={problem.other} className={styles.full} />
    </form>
  );
}
