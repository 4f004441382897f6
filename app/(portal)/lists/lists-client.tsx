"use client";

import { useState } from "react";
import { ApiProblem, callApi, messageOf } from "@/components/ui/api-client";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { usePolling } from "@/components/ui/use-polling";
import type { ListView, RefreshResult } from "@/lib/contract/lists";
import { EMPTY_LIST_FORM } from "./list-form-fields";
import { ListForm, type SourceLimits } from "./list-form";
import { ListCard } from "./list-card";
import styles from "./lists.module.css";

/** The beat refreshes lists on its own: the page reads them again this often. */
const POLL_MS = 5000;

type Notice = { ok: boolean; text: string };
const path = (name: string) => `/api/v1/lists/${encodeURIComponent(name)}`;

/** What a "Refresh now" did, in words. */
function describeRefresh(result: RefreshResult): Notice {
  const { list } = result;
  const count = (result.count ?? 0).toLocaleString("en");
  if (result.outcome === "stored") {
    return { ok: true, text: `“${list.name}” refreshed: ${count} values, a new version.` };
  }
  if (result.outcome === "unchanged") {
    return { ok: true, text: `“${list.name}” refreshed: the same ${count} values as before.` };
  }
  const kept = list.version
    ? `submissions are still checked against the last good version (${list.version.count.toLocaleString("en")} values)`
    : "it has no values yet, so its fields are not checked";
  return {
    ok: false,
    text: `“${list.name}” could not be refreshed: ${result.error ?? "unknown reason"}; ${kept}.`,
  };
}

/** The reference lists page: the table, a form to define one, and each list's actions. */
export function ListsClient({ initial, limits }: { initial: ListView[]; limits: SourceLimits }) {
  const [lists, setLists] = useState(initial);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  usePolling<{ items: ListView[] }>("/api/v1/lists", POLL_MS, (body) => {
    if (body) setLists(body.items);
  });

  async function reload() {
    try {
      const body = await callApi<{ items: ListView[] }>("GET", "/api/v1/lists");
      if (body) setLists(body.items);
    } catch (error) {
      setNotice({ ok: false, text: `The lists could not be read again: ${messageOf(error)}` });
    }
  }

  const replace = (list: ListView) =>
    setLists((current) => current.map((l) => (l.name === list.name ? list : l)));

  async function refreshNow(name: string) {
    setRefreshing(name);
    setNotice(null);
    try {
      const result = await callApi<RefreshResult>("POST", `${path(name)}/refresh`);
      if (result) {
        replace(result.list);
        setNotice(describeRefresh(result));
      }
    } catch (error) {
      const running = error instanceof ApiProblem && error.status === 409;
      setNotice({
        ok: running,
        text: running
          ? `“${name}” is being refreshed already (by the beat or another administrator): its outcome shows here when it ends.`
          : messageOf(error),
      });
    } finally {
      setRefreshing(null);
    }
  }

  return (
    <main>
      <div className="page-header">
        <div>
          <h1>Reference lists</h1>
          <p className="muted">
            Allowed values of fields (<code>x-runport-list</code> in a pipeline&apos;s schema), read
            from a file, a URL or a command and refreshed by the beat. A failed refresh keeps the
            last good values.
          </p>
        </div>
        {creating ? null : (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New list
          </button>
        )}
      </div>
      <div className="stack">
        {creating ? (
          <section className="card stack" aria-labelledby="create-list-title" id="create-list">
            <h2 id="create-list-title" className={styles.title}>
              Define a list
            </h2>
            <ListForm
              idPrefix="new-list"
              initial={EMPTY_LIST_FORM}
              limits={limits}
              onCancel={() => setCreating(false)}
              onSaved={(list) => {
                setCreating(false);
                setLists((current) =>
                  [...current, list].sort((a, b) => a.name.localeCompare(b.name)),
                );
                setNotice({
                  ok: true,
                  text: `Defined “${list.name}”: the beat reads it at its next tick.`,
                });
              }}
            />
          </section>
        ) : null}
        <div role="status" className={styles.notice}>
          {notice ? (
            <div className={`alert ${notice.ok ? "alert-ok" : "alert-error"}`}>{notice.text}</div>
          ) : null}
        </div>
        {lists.length === 0 ? (
          <p className="card empty-state">No list is defined yet.</p>
        ) : (
          lists.map((list) => (
            <ListCard
              key={list.name}
              list={list}
              limits={limits}
              editing={editing === list.name}
              refreshing={refreshing === list.name}
              onEdit={(on) => setEditing(on ? list.name : null)}
              onSaved={(saved) => {
                setEditing(null);
                replace(saved);
                setNotice({ ok: true, text: `Saved “${saved.name}”: it is read again now.` });
              }}
              onRefresh={() => void refreshNow(list.name)}
              onDelete={() => setDeleting(list.name)}
            />
          ))
        )}
      </div>
      {deleting ? (
        <ConfirmDialog
          title={`Delete the list “${deleting}”?`}
          confirmLabel="Delete"
          busyLabel="Deleting…"
          onConfirm={() => callApi("DELETE", path(deleting))}
          onClose={(confirmed) => {
            const name = deleting;
            setDeleting(null);
            if (!confirmed) return;
            setNotice({ ok: true, text: `“${name}” is deleted.` });
            void reload();
          }}
        >
          Its versions go with it. Fields of pipelines naming it are no longer checked (submissions
          get a warning) until a list of that name is defined again.
        </ConfirmDialog>
      ) : null}
    </main>
  );
}
