import type { Principal } from "@/server/auth/principal";
import type { UserRole } from "@/lib/roles";

export type { Principal };

export function principalOf(userId: number, username: string, role: UserRole): Principal {
  return { userId, username, role, via: "password" };
}
