import { eq } from "drizzle-orm";
import { z } from "zod";
import { apiTokens, users } from "@/db/schema";
import type { CreatedApiToken } from "@/lib/contract/account";
import { TOKEN_SCOPES, type Principal } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { generateToken, hashToken, TOKEN_PREFIX } from "../auth/tokens";
import type { AppContext } from "../context";
import { AppError, parseWith } from "../errors";

const DAY_MS = 24 * 3600 * 1000;

/** Body of `POST /api/v1/tokens`. */
export const ZCreateApiTokenRequest = z.strictObject({
  name: z
    .string({ error: "is required: a name that says where the token is used" })
    .trim()
    .min(1, "is required: a name that says where the token is used")
    .max(100, "must be at most 100 characters"),
  expiresInDays: z
    .number({ error: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .max(3650, "must be at most 3650 days (10 years)")
    .nullish(),
  scope: z.enum(TOKEN_SCOPES, { error: 'must be "events:write" or absent' }).nullish().meta({
    description:
      "`events:write`: the token may only post events (POST /api/v1/events), nothing else; administrators only. Absent: everything the user may do",
  }),
});
export type TCreateApiTokenRequest = z.input<typeof ZCreateApiTokenRequest>;

/** Whose token: the caller (API, account page) or a user by name (the CLI, tests). */
type Owner = { principal: Principal } | { username: string };

async function ownerId(ctx: Pick<AppContext, "db">, owner: Owner): Promise<number> {
  if ("principal" in owner) {
    // A leaked token must not be able to mint others that outlive its revocation.
    if (owner.principal.via === "token") {
      throw new AppError(
        "FORBIDDEN",
        "An API token cannot create tokens: sign in, or use your password with HTTP Basic",
      );
    }
    return owner.principal.userId;
  }
  const [user] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.username, owner.username));
  if (!user) throw new AppError("NOT_FOUND", `There is no user "${owner.username}"`);
  return user.id;
}

/**
 * Creates an API token and returns it: the only time it can be seen (only its SHA-256
 * is stored). 422 for a bad name or expiry; 403 when the caller authenticated with a token.
 */
export async function createApiToken(
  ctx: Pick<AppContext, "db" | "log">,
  options: Owner & TCreateApiTokenRequest & { ip?: string },
): Promise<CreatedApiToken> {
  const input = parseWith(ZCreateApiTokenRequest, {
    name: options.name,
    expiresInDays: options.expiresInDays,
    scope: options.scope,
  });
  if (input.scope && "principal" in options && options.principal.role !== "admin") {
    throw new AppError("FORBIDDEN", `Only an administrator can create ${input.scope} tokens`);
  }
  const userId = await ownerId(ctx, options);
  const token = generateToken();
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const createdAt = new Date();
  const expiresAt = input.expiresInDays
    ? new Date(createdAt.getTime() + input.expiresInDays * DAY_MS)
    : null;
  const [result] = await ctx.db.insert(apiTokens).values({
    userId,
    name: input.name,
    tokenHash: hashToken(token),
    tokenPrefix: prefix,
    scope: input.scope ?? null,
    createdAt,
    expiresAt,
  });
  await recordAudit(ctx, {
    action: "token.create",
    actor: "principal" in options ? options.principal : "cli",
    ip: options.ip ?? null,
    target: { type: "token", id: result.insertId },
    details: {
      name: input.name,
      ...("username" in options ? { user: options.username } : {}),
      expiresAt: expiresAt?.toISOString() ?? null,
      ...(input.scope ? { scope: input.scope } : {}),
    },
  });
  return {
    id: result.insertId,
    name: input.name,
    token,
    prefix,
    createdAt: createdAt.toISOString(),
    expiresAt: expiresAt?.toISOString() ?? null,
    scope: input.scope ?? null,
  };
}
