"use client";

import { useState } from "react";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ListView, TListSource } from "@/lib/contract/lists";
import { describeCron } from "@/lib/schedules/describe-cron";
import { formFieldsOf } from "./list-form-fields";
import { ListForm, type SourceLimits } from "./list-form";
import { ListVersions } from "./list-versions";
import styles from "./lists.module.css";

const KIND_LABEL: Record<TListSource["kind"], string> = {
  file: "File",
  url: "URL",
  command: "Command",
};

/** Where the values come from, as one line (an argv is shown as a JSON array: exact). */
function sourceText(source: TListSource): string {
  if (source.kind === "file") return source.path;
  if (source.kind === "url") return source.url;
  return JSON.stringify(source.argv);
}

function readAs(source: TListSource): string {
  const parse = source.parse;
  if (parse.format === "lines") return "one value per line";
  if (parse.format === "json") {
    const at = (pointer: string) => pointer || "the item";
    return `JSON: values at ${at(parse.valuePointer)} of ${parse.items || "the document"}${parse.labelPointer ? `, labels at ${parse.labelPointer}` : ""}`;
  }
  const label = parse.labelColumn === undefined ? "" : `, labels in ${String(parse.labelColumn)}`;
  return `${parse.format.toUpperCase()}: values in ${String(parse.valueColumn)}${label}`;
}

interface Props {
  list: ListView;
  limits: SourceLimits;
  editing: boolean;
  refreshing: boolean;
  onEdit: (on: boolean) => void;
  onSaved: (list: ListView) => void;
  onRefresh: () => void;
  onDelete: () => void;
}

/** One list: its source, schedule, current values and last refresh; its actions and versions. */
export function ListCard(props: Props) {
  const { list, editing, refreshing } = props;
  const [showVersions, setShowVersions] = useState(false);
  const failing = list.lastError !== null;
  const titleId = `list-${list.name}-title`;
  return (
    <section
      id={`list-${list.name}`}
      className={`card stack ${failing ? styles.failing : ""}`}
      aria-labelledby={titleId}
    >
      <div className={styles.head}>
        <div>
          <h2 id={titleId} className={styles.title}>
            <code>{list.name}</code>
            {list.perUser ? <span className="badge badge-blue">per user</span> : null}
            {failing ? <span className="badge badge-red">failing</span> : null}
          </h2>
          {list.description ? <p className={styles.description}>{list.description}</p> : null}
        </div>
        <div className={`row ${styles.actions}`}>
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={refreshing}
            onClick={props.onRefresh}
          >
            {refreshing ? "Refreshing…" : "Refresh now"}
            <span className="sr-only"> {list.name}</span>
          </button>
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={editing}
            onClick={() => props.onEdit(!editing)}
          >
            Edit<span className="sr-only"> {list.name}</span>
          </button>
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={showVersions}
            onClick={() => setShowVersions(!showVersions)}
          >
            Versions<span className="sr-only"> of {list.name}</span>
          </button>
          <button type="button" className="btn btn-small btn-danger" onClick={props.onDelete}>
            Delete<span className="sr-only"> {list.name}</span>
          </button>
        </div>
      </div>
      <dl className={styles.facts}>
        <div>
          <dt>{KIND_LABEL[list.source.kind]}</dt>
          <dd>
            <code className={styles.source}>{sourceText(list.source)}</code>
            <span className={styles.small}>{readAs(list.source)}</span>
          </dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd>
            <span>
              <code>{list.cron}</code> {list.timeZone}
            </span>
            <span className={styles.small}>
              {describeCron(list.cron) ?? ""}
              {list.nextRefreshAt ? (
                <>
                  {" "}
                  · next <RelativeTime iso={list.nextRefreshAt} />
                </>
              ) : null}
            </span>
          </dd>
        </div>
        <div>
          <dt>Current values</dt>
          <dd>
            {list.version ? (
              <>
                <strong>{list.version.count.toLocaleString("en")} values</strong>
                <span className={styles.small}>
                  version {list.version.id}, read <RelativeTime iso={list.version.createdAt} /> ·{" "}
                  <code title={list.version.hash}>{list.version.hash.slice(0, 12)}</code>
                </span>
              </>
            ) : (
              <span className="muted">none yet: its fields are not checked</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Last refresh</dt>
          <dd>
            {failing ? (
              <>
                <span className={styles.error}>Failed: {list.lastError}</span>
                <span className={styles.small}>
                  failing since <RelativeTime iso={list.lastErrorAt} />
                  {list.lastRefreshAt ? (
                    <>
                      ; last good <RelativeTime iso={list.lastRefreshAt} />
                    </>
                  ) : null}
                </span>
              </>
            ) : list.lastRefreshAt ? (
              <span>
                Succeeded <RelativeTime iso={list.lastRefreshAt} />
              </span>
            ) : (
              <span className="muted">never yet</span>
            )}
          </dd>
        </div>
      </dl>
      {editing ? (
        <div className={styles.edit}>
          <h3 className={styles.subtitle}>Change {list.name}</h3>
          <ListForm
            idPrefix={`edit-${list.name}`}
            editing={list.name}
            initial={formFieldsOf(list)}
            limits={props.limits}
            onSaved={props.onSaved}
            onCancel={() => props.onEdit(false)}
          />
        </div>
      ) : null}
      {showVersions ? (
        <div>
          <h3 className={styles.subtitle}>Versions (the newest are kept, older ones deleted)</h3>
          <ListVersions
            name={list.name}
            refreshKey={`${list.version?.id ?? 0}:${list.lastRefreshAt ?? ""}`}
          />
        </div>
      ) : null}
    </section>
  );
}
