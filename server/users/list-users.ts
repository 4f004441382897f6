import { users } from "@/db/schema";
import type { UserList } from "@/lib/contract/users";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import type { AppContext } from "../context";
import { lastTokenUses, toUserView } from "./user-admin";

/** Every user by name, disabled ones included (GET /api/v1/users). 403 unless an admin. */
export async function listUsers(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal },
): Promise<UserList> {
  requireAdmin(options.principal, "list users");
  const [rows, tokenUses] = await Promise.all([
    ctx.db.select().from(users).orderBy(users.username),
    lastTokenUses(ctx),
  ]);
  return { items: rows.map((row) => toUserView(row, tokenUses.get(row.id) ?? null)) };
}
