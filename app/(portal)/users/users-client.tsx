"use client";

import { useState } from "react";
import { callApi, messageOf } from "@/components/ui/api-client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { CreateUserForm } from "@/components/users/create-user-form";
import { UserTable } from "@/components/users/user-table";
import styles from "@/components/users/users.module.css";
import type { CreatedUser, UserList, UserView } from "@/lib/contract/users";
import type { UserRole } from "@/lib/roles";

type Pending = { action: "disable" | "delete"; user: UserView };
const path = (user: UserView) => `/api/v1/users/${encodeURIComponent(user.username)}`;

/** The users page: the list, a create form, and the changes, all through /api/v1/users. */
export function UsersClient({ initial, self }: { initial: UserView[]; self: string }) {
  const [users, setUsers] = useState(initial);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  async function refresh() {
    try {
      const list = await callApi<UserList>("GET", "/api/v1/users");
      if (list) setUsers(list.items);
    } catch (error) {
      setNotice({ ok: false, text: `The list could not be refreshed: ${messageOf(error)}` });
    }
  }

  async function change(user: UserView, changes: object, done: string) {
    setBusy(user.username);
    try {
      await callApi<UserView>("PATCH", path(user), changes);
      setNotice({ ok: true, text: done });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    } finally {
      setBusy(null);
      await refresh();
    }
  }

  const onRole = (user: UserView, role: UserRole) =>
    void change(user, { role }, `“${user.username}” is now ${role}.`);
  const onEnable = (user: UserView) =>
    void change(user, { disabled: false }, `“${user.username}” is enabled.`);

  function endDialog(confirmed: boolean) {
    const done = pending;
    setPending(null);
    if (!confirmed || !done) return;
    const { action, user } = done;
    setNotice({
      ok: true,
      text:
        action === "disable"
          ? `“${user.username}” is disabled: their sessions, tokens and live views stopped.`
          : `“${user.username}” is deleted.`,
    });
    void refresh();
  }

  return (
    <main>
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p className="muted">
            Who may sign in, and with which role. Disabling stops a user at once: sessions, API
            tokens and live views, in every web process.
          </p>
        </div>
      </div>
      <div className="stack">
        <section className="card stack" aria-labelledby="create-user-title">
          <h2 id="create-user-title" className={styles.title}>
            Create a user
          </h2>
          <CreateUserForm
            onCreated={(user) => {
              setCreated(user);
              setNotice(null);
              void refresh();
            }}
          />
          {created?.password ? (
            <div className="alert alert-ok" role="status">
              <p>
                “{created.user.username}” can sign in with this password, shown only now: hand it
                over safely; they can change it on their Account page.
              </p>
              <div className={styles.password}>
                <input readOnly aria-label="Generated password" value={created.password} />
                <CopyButton text={created.password} label="password" />
              </div>
            </div>
          ) : null}
        </section>
        <section className="card stack" aria-labelledby="users-title">
          <h2 id="users-title" className={styles.title}>
            All users
          </h2>
          <div role="status" className={styles.notice}>
            {notice ? (
              <div className={`alert ${notice.ok ? "alert-ok" : "alert-error"}`}>{notice.text}</div>
            ) : null}
          </div>
          <UserTable
            users={users}
            self={self}
            busy={busy}
            onRole={onRole}
            onEnable={onEnable}
            onDisable={(user) => setPending({ action: "disable", user })}
            onDelete={(user) => setPending({ action: "delete", user })}
          />
        </section>
      </div>
      {pending?.action === "disable" ? (
        <ConfirmDialog
          title={`Disable “${pending.user.username}”?`}
          confirmLabel="Disable"
          busyLabel="Disabling…"
          onConfirm={() => callApi("PATCH", path(pending.user), { disabled: true })}
          onClose={endDialog}
        >
          They can no longer sign in, their API tokens are refused, and their open sessions and live
          views end now. Their runs, schedules and tokens are kept: enabling them again gives
          everything back.
        </ConfirmDialog>
      ) : null}
      {pending?.action === "delete" ? (
        <ConfirmDialog
          title={`Delete “${pending.user.username}”?`}
          confirmLabel="Delete"
          busyLabel="Deleting…"
          onConfirm={() => callApi("DELETE", path(pending.user))}
          onClose={endDialog}
        >
          Only a user who left nothing behind (no runs, schedules or API tokens) can be deleted; for
          anyone else, disable them instead, so that their history stays.
        </ConfirmDialog>
      ) : null}
    </main>
  );
}
