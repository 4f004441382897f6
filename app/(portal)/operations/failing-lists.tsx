import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import type { FailingList } from "@/lib/contract/operations";
import styles from "./operations.module.css";

/**
 * Reference lists whose latest refresh failed: submissions are still checked against the
 * last good version, which gets older; nothing shows while every list refreshes.
 */
export function FailingLists({ lists }: { lists: FailingList[] }) {
  if (lists.length === 0) return null;
  return (
    <section aria-labelledby="failing-lists-title" className={styles.failing}>
      <h2 id="failing-lists-title">Reference lists failing to refresh</h2>
      <DataTable
        boxClassName="card table-box"
        columns={["List", "Why", "Failing since", "Last good values"]}
      >
        {lists.map((list) => (
          <tr key={list.name}>
            <td>
              <Link href={`/lists#list-${list.name}`}>
                <code>{list.name}</code>
              </Link>
            </td>
            <td className={styles.reason}>{list.error}</td>
            <td>
              <RelativeTime iso={list.since} />
            </td>
            <td>
              {list.lastGoodAt ? (
                <>
                  {(list.lastGoodCount ?? 0).toLocaleString("en")} values, read{" "}
                  <RelativeTime iso={list.lastGoodAt} />
                </>
              ) : (
                <span className={styles.bad}>none: fields naming it are not checked</span>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
