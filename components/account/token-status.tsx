import type { ApiTokenStatus } from "@/lib/contract/account";

const BADGE: Record<ApiTokenStatus, [label: string, tone: string]> = {
  active: ["Active", "green"],
  expired: ["Expired", "amber"],
  revoked: ["Revoked", "grey"],
};

/** A token's status as a coloured word (the word carries the information). */
export function TokenStatus({ status }: { status: ApiTokenStatus }) {
  const [label, tone] = BADGE[status];
  return <span className={`badge badge-${tone}`}>{label}</span>;
}
