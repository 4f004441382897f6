"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { ProgressBar } from "@/components/ui/progress-bar";
import { FormField, SelectFilter } from "@/components/ui/form-field";
import { formatDuration, RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { RunTotal } from "@/components/runs/run-total";
import { useLiveList } from "@/components/ui/use-change-feed";
import type { RunList } from "@/lib/contract/runs";
import { RUN_STATUSES, isTerminal } from "@/lib/run-status";
import { DataTable } from "@/components/ui/data-table";
import styles from "./runs.module.css";

interface Props {
  initial: RunList;
  search: string;
  pipelines: string[];
  canFilterBySubmitter: boolean;
  /** The change counter read before `initial` (null without Redis). */
  version: number | null;
}

/** The runs table with its filters; read again when the change feed announces a change. */
export function RunsClient({ initial, search, pipelines, canFilterBySubmitter, version }: Props) {
  const router = useRouter();
  const [list, setList] = useState(initial);
  const params = new URLSearchParams(search);

  useEffect(() => setList(initial), [initial]);
  useLiveList<RunList>({
    url: `/api/v1/runs?${search}`,
    version,
    onAnswer: (body) => body && setList(body),
  });

  function applyFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const [key, value] of form.entries())
      if (typeof value === "string" && value.trim()) next.append(key, value.trim());
    router.push(`/runs${next.size ? `?${next.toString()}` : ""}`);
  }

  const older = list.nextCursor ? new URLSearchParams(params) : null;
  older?.set("cursor", list.nextCursor ?? "");
  const newest = new URLSearchParams(params);
  newest.delete("cursor");
  const filtered = [...params.keys()].some((k) => k !== "cursor");

  return (
    <main>
      <div className="page-header">
        <div>
          <h1>Runs</h1>
          <p className="muted">
            <RunTotal total={list.total} totalIsLowerBound={list.totalIsLowerBound} />
            {filtered ? " match these filters" : ""} · updates live
          </p>
        </div>
        <Link href="/new" className="btn btn-primary">
          New run
        </Link>
      </div>
      <form
        key={search}
        className={`card ${styles.filters}`}
        onSubmit={applyFilters}
        aria-label="Filter runs"
      >
        <SelectFilter
          id="f-status"
          name="status"
          label="Status"
          options={RUN_STATUSES}
          params={params}
        />
        <SelectFilter
          id="f-pipeline"
          name="pipeline"
          label="Pipeline"
          options={pipelines}
          params={params}
        />
        {canFilterBySubmitter ? (
          <FormField id="f-user" label="Submitter">
            <input
              id="f-user"
              name="user"
              defaultValue={params.get("user") ?? ""}
              placeholder="username"
            />
          </FormField>
        ) : null}
        <FormField id="f-q" label="Search" className={styles.grow}>
          <input
            id="f-q"
            name="q"
            type="search"
            defaultValue={params.get("q") ?? ""}
            placeholder="start of a name, or a run id"
          />
        </FormField>
        <div className={styles.actions}>
          <button type="submit" className="btn">
            Filter
          </button>
          {filtered ? (
            <Link href="/runs" className="btn">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      {list.items.length === 0 ? (
        <div className="card empty-state">
          <h2>{filtered ? "No run matches these filters" : "No runs yet"}</h2>
          <p className="muted">
            {filtered ? (
              <>
                Try other filters, or <Link href="/runs">show all runs</Link>.
              </>
            ) : (
              <>
                Start one on the <Link href="/new">New run</Link> page, or with <code>curl</code>{" "}
                (see <Link href="/pipelines">Pipelines</Link>).
              </>
            )}
          </p>
        </div>
      ) : (
        <DataTable
          boxClassName="card table-box"
          columns={["Status", "Run", "Pipeline", "Submitter", "Submitted", "Duration", "Progress"]}
        >
          {list.items.map((run) => (
            <tr key={run.id}>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>
                <Link href={`/runs/${run.id}`} className={styles.runLink}>
                  {run.name ?? run.id}
                </Link>
                {run.name ? <div className={styles.id}>{run.id}</div> : null}
              </td>
              <td>
                <code>{run.pipeline}</code>
              </td>
              <td>{run.submitter}</td>
              <td>
                <RelativeTime iso={run.createdAt} />
              </td>
              <td className="nowrap">{formatDuration(run.startedAt, run.finishedAt)}</td>
              <td className={styles.progress}>
                {run.progress || !isTerminal(run.status) ? (
                  <ProgressBar
                    percent={run.progress?.percent ?? 0}
                    message={run.progress?.message ?? null}
                  />
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav className={styles.pager} aria-label="Pages">
        {params.has("cursor") ? (
          <Link href={`/runs${newest.size ? `?${newest.toString()}` : ""}`} className="btn">
            ← Newest
          </Link>
        ) : null}
        {older ? (
          <Link href={`/runs?${older.toString()}`} className="btn">
            Older →
          </Link>
        ) : null}
      </nav>
    </main>
  );
}
