import type { UserRole } from "@/lib/roles";

/** The authenticated caller, as every service sees it. */
export interface Principal {
  userId: number;
  username: string;
  role: UserRole;
  /** How the caller proved who they are. */
  via: "password" | "token" | "session";
  /** A token limited to one use (`events:write`: only POST /api/v1/events); absent: all of the role. */
  scope?: TokenScope;
}

/** What a scoped API token may do; see server/http/api-route.ts. */
export const TOKEN_SCOPES = ["events:write"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
