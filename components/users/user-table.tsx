"use client";

import { ACTIONS, DataTable } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/relative-time";
import { USER_ROLES, type UserRole } from "@/lib/roles";
import type { UserView } from "@/lib/contract/users";
import styles from "./users.module.css";

interface Props {
  users: UserView[];
  /** The signed-in administrator (a change of their own is marked "you"). */
  self: string;
  /** A request is under way for this user: their controls wait. */
  busy: string | null;
  onRole: (user: UserView, role: UserRole) => void;
  onDisable: (user: UserView) => void;
  onEnable: (user: UserView) => void;
  onDelete: (user: UserView) => void;
}

function limitOf(user: UserView): string {
  if (user.maxRunningRuns === null) return "default";
  return user.maxRunningRuns === 0 ? "no limit" : String(user.maxRunningRuns);
}

/** Every user: role (changed in place), state, running limit, last token use, actions. */
export function UserTable({ users, self, busy, onRole, onDisable, onEnable, onDelete }: Props) {
  return (
    <DataTable
      boxClassName="table-frame"
      caption="Users"
      columns={["User", "Role", "State", "Running limit", "Last token use", ACTIONS]}
    >
      {users.map((user) => (
        <tr key={user.username} className={user.disabled ? styles.disabled : undefined}>
          <th scope="row">
            {user.username}
            {user.username === self ? <span className={styles.small}> (you)</span> : null}
            {user.email ? <div className={styles.small}>{user.email}</div> : null}
          </th>
          <td>
            <label className="sr-only" htmlFor={`role-${user.username}`}>
              Role of {user.username}
            </label>
            <select
              id={`role-${user.username}`}
              value={user.role}
              disabled={busy === user.username}
              onChange={(event) => onRole(user, event.currentTarget.value as UserRole)}
            >
              {USER_ROLES.map((role) => (
                <option key={role}>{role}</option>
              ))}
            </select>
          </td>
          <td className="nowrap">
            {user.disabled ? "disabled" : "enabled"}
            {user.disabledAt ? (
              <div className={styles.small}>
                <RelativeTime iso={user.disabledAt} />
              </div>
            ) : null}
          </td>
          <td>{limitOf(user)}</td>
          <td className="nowrap">
            {user.lastTokenUseAt ? (
              <RelativeTime iso={user.lastTokenUseAt} />
            ) : (
              <span className="muted">never</span>
            )}
          </td>
          <td className="action-cell">
            <div className={styles.actions}>
              {user.disabled ? (
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy === user.username}
                  onClick={() => onEnable(user)}
                >
                  Enable<span className="sr-only"> {user.username}</span>
                </button>
              ) : (
                <button
                  type="button"
                  className="btn btn-danger btn-small"
                  onClick={() => onDisable(user)}
                >
                  Disable<span className="sr-only"> {user.username}</span>
                </button>
              )}
              <button
                type="button"
                className="btn btn-danger btn-small"
                onClick={() => onDelete(user)}
              >
                Delete<span className="sr-only"> {user.username}</span>
              </button>
            </div>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
