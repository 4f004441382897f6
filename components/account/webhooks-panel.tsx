"use client";

import { useState, type FormEvent } from "react";
import {
  WEBHOOK_EVENTS,
  type CreatedWebhook,
  type WebhookDeliveryList,
  type WebhookDeliveryView,
  type WebhookList,
  type WebhookView,
} from "@/lib/contract/webhooks";
import { ApiProblem, callApi, messageOf } from "../ui/api-client";
import { ACTIONS, DataTable } from "../ui/data-table";
import { RelativeTime } from "../ui/relative-time";
import styles from "./account.module.css";

/**
 * The account page's webhooks: create (secret shown once), send a test event, the delivery
 * log with "redeliver", delete. Everything goes through /api/v1/webhooks.
 */
export function WebhooksPanel({ initial }: { initial: WebhookView[] }) {
  const [hooks, setHooks] = useState(initial);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [open, setOpen] = useState<{ id: number; items: WebhookDeliveryView[] } | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [urlProblem, setUrlProblem] = useState<string | null>(null);

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setNotice({ ok: true, text: done });
      const list = await callApi<WebhookList>("GET", "/api/v1/webhooks");
      if (list) setHooks(list.items);
      if (open) await showLog(open.id);
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  };

  async function showLog(id: number) {
    const log = await callApi<WebhookDeliveryList>("GET", `/api/v1/webhooks/${id}/deliveries`);
    setOpen({ id, items: log?.items ?? [] });
  }

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const text = (name: string) => {
      const value = data.get(name);
      return typeof value === "string" ? value : "";
    };
    const pipelines = text("pipelines")
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    setUrlProblem(null);
    try {
      const hook = await callApi<CreatedWebhook>("POST", "/api/v1/webhooks", {
        url: text("url"),
        description: text("description"),
        events: WEBHOOK_EVENTS.filter((e) => data.get(e) === "on"),
        ...(pipelines.length > 0 ? { pipelines } : {}),
      });
      form.reset();
      setCreated(hook);
      await act(() => Promise.resolve(), "Webhook created.");
    } catch (error) {
      const at = error instanceof ApiProblem ? error.at("/url") : undefined;
      if (at) setUrlProblem(`URL ${at}`);
      else setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section className="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title" className={styles.cardTitle}>
        Webhooks
      </h2>
      <p className={`muted ${styles.intro}`}>
        Signed POSTs (Standard Webhooks) when your runs are queued, start and end. Verify them with
        the secret shown once at creation; see the API guide.
      </p>
      <form className={styles.createForm} onSubmit={(e) => void create(e)} noValidate>
        <label className={styles.grow}>
          URL
          <input
            name="url"
            type="url"
            required
            placeholder="https://…"
            aria-invalid={!!urlProblem}
          />
          {urlProblem ? <span className="alert alert-error">{urlProblem}</span> : null}
        </label>
        <label>
          Description
          <input name="description" maxLength={200} />
        </label>
        <label>
          Only pipelines (comma-separated)
          <input name="pipelines" placeholder="all" />
        </label>
        <fieldset>
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((e) => (
            <label key={e}>
              <input type="checkbox" name={e} defaultChecked /> {e}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="btn btn-primary">
          Add webhook
        </button>
      </form>
      {created ? (
        <div className="alert alert-ok" role="status">
          Secret of {created.url} (shown only now): <code>{created.secret}</code>{" "}
          <button type="button" className="btn btn-small" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      <div role="status" className={styles.notice}>
        {notice ? (
          <div className={`alert ${notice.ok ? "alert-ok" : "alert-error"}`}>{notice.text}</div>
        ) : null}
      </div>
      {hooks.length === 0 ? (
        <p className="muted">No webhooks yet.</p>
      ) : (
        <DataTable
          boxClassName="table-frame"
          caption="Your webhooks"
          columns={["URL", "Events", "State", ACTIONS]}
        >
          {hooks.map((hook) => (
            <tr key={hook.id}>
              <th scope="row">
                <code>{hook.url}</code>
                {hook.description ? <div className="muted">{hook.description}</div> : null}
              </th>
              <td>
                {hook.events.join(", ")}
                {hook.pipelines ? <div className="muted">{hook.pipelines.join(", ")}</div> : null}
              </td>
              <td>{hook.disabledAt ? `disabled: ${hook.disabledReason ?? ""}` : "active"}</td>
              <td className="nowrap">
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={!!hook.disabledAt}
                  onClick={() =>
                    void act(
                      () => callApi("POST", `/api/v1/webhooks/${hook.id}/test`),
                      "Test event queued.",
                    )
                  }
                >
                  Send test event
                </button>{" "}
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() =>
                    void showLog(hook.id).catch((e: unknown) =>
                      setNotice({ ok: false, text: messageOf(e) }),
                    )
                  }
                >
                  Deliveries
                </button>{" "}
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  onClick={() =>
                    void act(
                      () => callApi("DELETE", `/api/v1/webhooks/${hook.id}`),
                      "Webhook deleted.",
                    )
                  }
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {open ? <DeliveryLog webhookId={open.id} items={open.items} act={act} /> : null}
    </section>
  );
}

function DeliveryLog(props: {
  webhookId: number;
  items: WebhookDeliveryView[];
  act: (what: () => Promise<unknown>, done: string) => Promise<void>;
}) {
  const { webhookId, items, act } = props;
  if (items.length === 0) return <p className="muted">No deliveries yet.</p>;
  return (
    <DataTable
      boxClassName="table-frame"
      caption="Delivery log"
      columns={["Event", "Run", "State", "Attempts", "Last answer", "Time", "When", ACTIONS]}
    >
      {items.map((d) => (
        <tr key={d.id}>
          <th scope="row">{d.eventType}</th>
          <td>{d.runId ? <a href={`/runs/${d.runId}`}>{d.runId}</a> : "—"}</td>
          <td>{d.state}</td>
          <td>{d.attempts}</td>
          <td>{d.lastStatusCode ?? d.lastError ?? "—"}</td>
          <td>{d.lastResponseMs === null ? "—" : `${d.lastResponseMs} ms`}</td>
          <td className="nowrap">
            <RelativeTime iso={d.lastAttemptAt ?? d.createdAt} />
          </td>
          <td>
            <button
              type="button"
              className="btn btn-small"
              onClick={() =>
                void act(
                  () =>
                    callApi("POST", `/api/v1/webhooks/${webhookId}/deliveries/${d.id}/redeliver`),
                  "Delivery queued again.",
                )
              }
            >
              Redeliver
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
