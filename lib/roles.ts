/** Roles widen what a user may do; see docs/ARCHITECTURE.md#authorization. */
export const USER_ROLES = ["admin", "operator", "submitter", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** May submit runs (and cancel their own). */
export function canSubmit(role: UserRole): boolean {
  return role !== "viewer";
}

/** Sees every user's runs, not only their own. */
export function canSeeAllRuns(role: UserRole): boolean {
  return role !== "submitter";
}

/** May cancel, release or retry anybody's run. */
export function canManageAllRuns(role: UserRole): boolean {
  return role === "admin" || role === "operator";
}
