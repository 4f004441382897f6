"use client";

import { useEffect, useState } from "react";
import { callApi, messageOf } from "@/components/ui/api-client";
import { DataTable } from "@/components/ui/data-table";
import { ErrorAlert } from "@/components/ui/error-alert";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ListVersionView } from "@/lib/contract/lists";
import styles from "./lists.module.css";

/**
 * The kept versions of a list, read when shown and again when `refreshKey` changes (a
 * refresh may have stored one).
 */
export function ListVersions({ name, refreshKey }: { name: string; refreshKey: string }) {
  const [versions, setVersions] = useState<ListVersionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    callApi<{ items: ListVersionView[] }>(
      "GET",
      `/api/v1/lists/${encodeURIComponent(name)}/versions`,
    )
      .then((answer) => {
        if (stale) return;
        setVersions(answer?.items ?? []);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!stale) setError(`The versions could not be read: ${messageOf(e)}`);
      });
    return () => {
      stale = true;
    };
  }, [name, refreshKey]);

  if (error) return <ErrorAlert message={error} />;
  if (!versions) return <p className="muted">Reading the versions…</p>;
  if (versions.length === 0)
    return <p className="muted">No version yet: no refresh has succeeded.</p>;
  return (
    <DataTable
      boxClassName="table-frame"
      caption={`Versions of ${name}`}
      columns={["Version", "Values", "Hash (SHA-256)", "Read"]}
    >
      {versions.map((v) => (
        <tr key={v.id}>
          <td>
            {v.id}
            {v.current ? <span className="badge badge-green"> current</span> : null}
          </td>
          <td>{v.count.toLocaleString("en")}</td>
          <td>
            <code className={styles.hash} title={v.hash}>
              {v.hash.slice(0, 12)}
            </code>
          </td>
          <td>
            <RelativeTime iso={v.createdAt} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
