import type { UserRole } from "@/lib/roles";

/** The authenticated caller, as every service sees it. */
export interface Principal {
  userId: number;
  username: string;
  role: UserRole;
  /** How the caller proved who they are. */
  via: "password" | "token" | "session";
}
