import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import {
  ZCreateUserRequest,
  type CreatedUser,
  type TCreateUserRequest,
} from "@/lib/contract/users";
import type { AppContext } from "../context";
import { AppError, parseWith } from "../errors";
import { createUser } from "./create-user";
import {
  auditActorOf,
  requireUserAdministrator,
  toUserView,
  type UserAdministrator,
} from "./user-admin";

function isDuplicate(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | null)?.cause ?? error;
  return (cause as { code?: string } | null)?.code === "ER_DUP_ENTRY";
}

/**
 * Creates a user (POST /api/v1/users): 403 unless an admin asks, 422 for a bad field, 409
 * when the name is taken. Without a password one is generated and returned, shown once.
 */
export async function createUserByAdmin(
  ctx: Pick<AppContext, "db" | "log">,
  options: { by: UserAdministrator } & TCreateUserRequest,
): Promise<CreatedUser> {
  requireUserAdministrator(options.by, "create users");
  const { by: _, ...request } = options;
  const input = parseWith(ZCreateUserRequest, request);
  let created: Awaited<ReturnType<typeof createUser>>;
  try {
    created = await createUser(
      ctx,
      {
        username: input.username,
        role: input.role,
        ...(input.email ? { email: input.email } : {}),
        ...(input.password ? { password: input.password } : {}),
      },
      auditActorOf(options.by),
    );
  } catch (error) {
    // Two creations of one name at once: the unique index refuses the second.
    if (!isDuplicate(error)) throw error;
    throw new AppError("CONFLICT", `The user "${input.username}" already exists`);
  }
  if (input.maxRunningRuns !== undefined) {
    await ctx.db
      .update(users)
      .set({ maxRunningRuns: input.maxRunningRuns })
      .where(eq(users.id, created.id));
  }
  const [row] = await ctx.db.select().from(users).where(eq(users.id, created.id));
  if (!row) throw new AppError("CONFLICT", `The user "${input.username}" was deleted meanwhile`);
  return { user: toUserView(row), password: created.generated ? created.password : null };
}
