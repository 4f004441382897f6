"use client";

import { useMemo, useState } from "react";
import type { OutputPreview } from "@/lib/contract/outputs";
import { viewRows } from "@/lib/outputs/table-view";
import styles from "./previews.module.css";

type TablePreview = Extract<OutputPreview, { kind: "table" }>;

/**
 * One page of a TSV/CSV output: click a column heading to sort (again to reverse), type to
 * filter. Sorting and filtering apply to the page shown; Previous/Next fetch other pages.
 */
export function TableView({
  page,
  pageRows,
  onPage,
  busy,
}: {
  page: TablePreview;
  /** Rows asked for per page: Previous goes back this many (the last page may be shorter). */
  pageRows: number;
  onPage: (offset: number) => void;
  busy: boolean;
}) {
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<{ column: number; descending: boolean } | null>(null);
  const rows = useMemo(
    () =>
      viewRows(page.rows, {
        filter,
        sortColumn: sort?.column ?? null,
        descending: sort?.descending ?? false,
      }),
    [page.rows, filter, sort],
  );
  const first = page.offset + 1;
  const last = page.offset + page.rows.length;
  return (
    <div className={styles.tableView}>
      <div className={styles.toolbar}>
        <label>
          Filter{" "}
          <input
            type="search"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            placeholder="text in any column"
          />
        </label>
        <span className="muted" aria-live="polite">
          {page.rows.length === 0
            ? "No rows"
            : `Rows ${first.toLocaleString()}–${last.toLocaleString()}${page.nextOffset === null ? " (the last)" : ""}`}
          {filter ? `, ${rows.length} shown` : ""}
        </span>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy || page.offset === 0}
          onClick={() => onPage(Math.max(0, page.offset - pageRows))}
        >
          Previous rows
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy || page.nextOffset === null}
          onClick={() => page.nextOffset !== null && onPage(page.nextOffset)}
        >
          Next rows
        </button>
      </div>
      <div
        className={`table-frame ${styles.tableFrame}`}
        role="region"
        aria-label={`Rows of ${page.path}`}
        tabIndex={0}
      >
        <table className="table">
          <caption className="sr-only">
            {page.path}: sort by a column with its heading button; sorting and the filter apply to
            the rows shown
          </caption>
          <thead>
            <tr>
              {page.columns.map((column, i) => {
                const active = sort?.column === i;
                return (
                  <th
                    key={i}
                    scope="col"
                    aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}
                  >
                    <button
                      type="button"
                      className={styles.sortButton}
                      onClick={() =>
                        setSort(
                          active
                            ? { column: i, descending: !sort.descending }
                            : { column: i, descending: false },
                        )
                      }
                    >
                      {column}
                      <span aria-hidden="true">
                        {active ? (sort.descending ? " ▼" : " ▲") : ""}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                {page.columns.map((_, j) => (
                  <td key={j} className={styles.cell} title={row[j] ?? ""}>
                    {row[j] ?? ""}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
