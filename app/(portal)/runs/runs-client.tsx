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
import { checkComparison, type PickedRun } from "@/lib/reports/compare-selection";
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
  // Runs picked for comparison, in the order picked; kept across pages and live updates.
  const [picked, setPicked] = useState<PickedRun[]>([]);
  const params = new URLSearchParams(search);

  useEffect(() => setList(initial), [initial]);
  // A picked run's status as the list shows it now (a run may finish while picked).
  useEffect(() => {
    setPicked((current) =>
      current.map((run) => {
        const now = list.items.find((item) => item.id === run.id);
        return now && now.status !== run.status ? { ...run, status: now.status } : run;
      }),
    );
  }, [list]);

  function togglePick(run: RunList["items"][number], on: boolean) {
    setPicked((current) =>
      on
        ? [
            ...current.filter((p) => p.id !== run.id),
            {
              id: run.id,
              label: run.name ?? run.id,
              pipelineName: run.pipelineName,
              status: run.status,
            },
          ]
        : current.filter((p) => p.id !== run.id),
    );
  }
  const comparison = checkComparison(picked);
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
      {list.items.length > 0 || picked.length > 0 ? (
        <div className={styles.compare}>
          <button
            type="button"
            className="btn"
            disabled={!comparison.ok}
            aria-describedby="compare-why"
            onClick={() => {
              if (comparison.ok) router.push(`/runs/compare?ids=${comparison.ids.join(",")}`);
            }}
          >
            Compare selected{picked.length > 0 ? ` (${picked.length})` : ""}
          </button>
          {picked.length > 0 ? (
            <button type="button" className="btn" onClick={() => setPicked([])}>
              Clear selection
            </button>
          ) : null}
          <span id="compare-why" className="muted" aria-live="polite">
            {comparison.ok
              ? `${picked.length} runs of ${picked[0]?.pipelineName} side by side.`
              : comparison.reason}
          </span>
        </div>
      ) : null}
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
          columns={[
            <span key="pick" className="sr-only">
              Compare
            </span>,
            "Status",
            "Run",
            "Pipeline",
            "Submitter",
            "Submitted",
            "Duration",
            "Progress",
          ]}
        >
          {list.items.map((run) => (
            <tr key={run.id}>
              <td className={styles.pick}>
                <input
                  type="checkbox"
                  aria-label={`Select run ${run.id}`}
                  checked={picked.some((p) => p.id === run.id)}
                  onChange={(event) => togglePick(run, event.currentTarget.checked)}
                />
              </td>
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
