import { canSubmit } from "@/lib/roles";
import { AppError } from "../errors";
import type { Principal } from "./principal";

/** 403 unless the caller may submit runs (every path that makes or prepares a run). */
export function requireSubmitter(principal: Principal): void {
  if (!canSubmit(principal.role)) {
    throw new AppError("FORBIDDEN", `The role "${principal.role}" cannot submit runs`);
  }
}

/** 403 unless the caller is an administrator; `what` completes "Only an administrator can …". */
export function requireAdmin(principal: Principal, what: string): void {
  if (principal.role !== "admin") {
    throw new AppError("FORBIDDEN", `Only an administrator can ${what}`);
  }
}
