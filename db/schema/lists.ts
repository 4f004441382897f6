import {
  boolean,
  char,
  customType,
  index,
  int,
  mysqlTable,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import type { TListSource } from "@/lib/contract/lists";
import { createdAt, foreignId, id, jsonColumn, reference, timestamp } from "./columns";
import { runs } from "./runs";
import { users } from "./users";

/**
 * A reference list: allowed values read from a source (a file, a URL, a command) and
 * refreshed by the beat on `cron`. `current_version_id` is the last good version: a failed
 * refresh records last_error and leaves it.
 */
export const referenceLists = mysqlTable(
  "reference_lists",
  {
    id: id(),
    name: varchar("name", { length: 64 }).notNull(),
    description: varchar("description", { length: 500 }).notNull().default(""),
    source: jsonColumn<TListSource>("source").notNull(),
    cron: varchar("cron", { length: 120 }).notNull().default("0 * * * *"),
    timeZone: varchar("time_zone", { length: 64 }).notNull().default("UTC"),
    perUser: boolean("per_user").notNull().default(false),
    nextRefreshAt: timestamp("next_refresh_at"),
    lastRefreshAt: timestamp("last_refresh_at"),
    lastError: varchar("last_error", { length: 1000 }),
    lastErrorAt: timestamp("last_error_at"),
    currentVersionId: foreignId("current_version_id"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [
    uniqueIndex("reference_lists_name_unique").on(t.name),
    index("reference_lists_due_idx").on(t.nextRefreshAt),
  ],
);

/** Compared byte for byte (the table's utf8mb4_unicode_ci would take `abc ` or `äbc` for `abc`). */
const binaryValue = customType<{ data: string }>({
  dataType: () => "varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
});

/** One refresh's values: a count and the SHA-256 of the sorted values (and their labels). */
export const listVersions = mysqlTable(
  "list_versions",
  {
    id: id(),
    listId: reference("list_id", () => referenceLists.id, "cascade"),
    count: int("count", { unsigned: true }).notNull(),
    hash: char("hash", { length: 64 }).notNull(),
    etag: varchar("etag", { length: 200 }),
    lastModified: varchar("last_modified", { length: 100 }),
    createdAt: createdAt(),
  },
  (t) => [index("list_versions_list_idx").on(t.listId, t.id)],
);

/**
 * The values of a version; `user_id` is set on per-user lists (each user's own values).
 * Values are compared as written (binary collation): `ABC` is not `abc`.
 */
export const listValues = mysqlTable(
  "list_values",
  {
    id: id(),
    versionId: reference("version_id", () => listVersions.id, "cascade"),
    userId: foreignId("user_id").references(() => users.id, { onDelete: "cascade" }),
    value: binaryValue("value").notNull(),
    label: varchar("label", { length: 255 }),
  },
  (t) => [
    index("list_values_version_value_idx").on(t.versionId, t.value),
    index("list_values_version_user_value_idx").on(t.versionId, t.userId, t.value),
  ],
);

/** The list versions a run's config was validated against (shown in the run's view). */
export const runListVersions = mysqlTable(
  "run_list_versions",
  {
    runId: reference("run_id", () => runs.id, "cascade"),
    listName: varchar("list_name", { length: 64 }).notNull(),
    versionId: foreignId("version_id").notNull(),
  },
  (t) => [uniqueIndex("run_list_versions_run_list_unique").on(t.runId, t.listName)],
);

export type ReferenceListRow = typeof referenceLists.$inferSelect;
export type ListVersionRow = typeof listVersions.$inferSelect;
