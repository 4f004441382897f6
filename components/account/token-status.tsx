import type { ApiTokenStatus } from "@/lib/contract/account";
import styles from "./account.module.css";

const LABEL: Record<ApiTokenStatus, string> = {
  active: "Active",
  expired: "Expired",
  revoked: "Revoked",
};

/** A token's status as a coloured word (the word carries the information). */
export function TokenStatus({ status }: { status: ApiTokenStatus }) {
  return <span className={`${styles.badge} ${styles[status] ?? ""}`}>{LABEL[status]}</span>;
}
