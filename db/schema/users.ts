import {
  customType,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { USER_ROLES } from "../../lib/roles";
import { createdAt, id, reference, timestamp } from "./columns";

/**
 * Compared byte for byte: the table's utf8mb4_unicode_ci would take "alice  " or "alicë" for
 * alice (issue 10). Names are stored normalised (lib/username.ts), so nothing is lost.
 * drizzle's varchar has no collation option, hence the custom type.
 */
const binaryVarchar64 = customType<{ data: string }>({
  dataType: () => "varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
});

export const users = mysqlTable("users", {
  id: id(),
  username: binaryVarchar64("username").notNull().unique("users_username_unique"),
  email: varchar("email", { length: 255 }),
  role: mysqlEnum("role", USER_ROLES).notNull().default("submitter"),
  /** argon2id PHC string. */
  passwordHash: varchar("password_hash", { length: 255 }).notNull(),
  /** Browser sessions started before this moment end (a password change signs out everywhere). */
  passwordChangedAt: timestamp("password_changed_at"),
  disabledAt: timestamp("disabled_at"),
  /** Runs of this user that may run at once across all workers (null: USER_MAX_RUNNING). */
  maxRunningRuns: int("max_running_runs"),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at"),
});

/** API tokens: only the SHA-256 of the token is stored; the token is shown once. */
export const apiTokens = mysqlTable(
  "api_tokens",
  {
    id: id(),
    userId: reference("user_id", () => users.id, "cascade"),
    name: varchar("name", { length: 100 }).notNull(),
    tokenHash: varchar("token_hash", { length: 64 }).notNull(),
    /** First characters of the token, to recognise it in a list. */
    tokenPrefix: varchar("token_prefix", { length: 16 }).notNull(),
    /** null: everything its user may do; `events:write`: only POST /api/v1/events. */
    scope: varchar("scope", { length: 32 }),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at"),
    expiresAt: timestamp("expires_at"),
    revokedAt: timestamp("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_tokens_hash_unique").on(t.tokenHash),
    index("api_tokens_user_idx").on(t.userId),
  ],
);

export type User = typeof users.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
