"use client";

import { RelativeTime } from "@/components/ui/relative-time";
import type { ApiTokenView } from "@/lib/contract/account";
import { TokenStatus } from "./token-status";
import { ACTIONS, DataTable } from "@/components/ui/data-table";
import styles from "./account.module.css";

interface Props {
  tokens: ApiTokenView[];
  /** The token created a moment ago, highlighted. */
  highlightId: number | null;
  onRevoke: (token: ApiTokenView) => void;
}

/** The caller's tokens, newest first; revoked and expired ones greyed, without actions. */
export function TokenTable({ tokens, highlightId, onRevoke }: Props) {
  return (
    <DataTable
      boxClassName="table-frame"
      caption="Your API tokens"
      columns={["Name", "Token", "Created", "Last used", "Expires", "Status", ACTIONS]}
    >
      {tokens.map((token) => (
        <tr
          key={token.id}
          className={[
            token.status !== "active" ? styles.inactive : "",
            token.id === highlightId ? styles.fresh : "",
          ].join(" ")}
        >
          <th scope="row" className={styles.tokenName}>
            {token.name}
          </th>
          <td>
            <code>{token.prefix}…</code>
            {token.scope ? <span className="muted"> (only {token.scope})</span> : null}
          </td>
          <td className="nowrap">
            <RelativeTime iso={token.createdAt} />
          </td>
          <td className="nowrap">
            {token.lastUsedAt ? (
              <RelativeTime iso={token.lastUsedAt} />
            ) : (
              <span className="muted">never</span>
            )}
          </td>
          <td className="nowrap">
            {token.expiresAt ? (
              <time dateTime={token.expiresAt}>{token.expiresAt.slice(0, 10)}</time>
            ) : (
              <span className="muted">never</span>
            )}
          </td>
          <td>
            <TokenStatus status={token.status} />
            {token.revokedAt ? (
              <div className={styles.small}>
                <RelativeTime iso={token.revokedAt} />
              </div>
            ) : null}
          </td>
          <td className="action-cell">
            {token.status === "revoked" ? null : (
              <button
                type="button"
                className="btn btn-danger btn-small"
                onClick={() => onRevoke(token)}
              >
                Revoke<span className="sr-only"> {token.name}</span>
              </button>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
