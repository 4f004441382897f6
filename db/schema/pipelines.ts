import { boolean, int, mysqlTable, text, uniqueIndex, varchar } from "drizzle-orm/mysql-core";
import type { PipelineDefinition } from "../../lib/pipeline-definition";
import { createdAt, id, jsonColumn, timestamp } from "./columns";

/** One row per pipeline version, synced from the definition files on PIPELINES_PATH. */
export const pipelines = mysqlTable(
  "pipelines",
  {
    id: id(),
    name: varchar("name", { length: 64 }).notNull(),
    version: varchar("version", { length: 64 }).notNull(),
    title: varchar("title", { length: 200 }).notNull(),
    description: text("description").notNull(),
    isDev: boolean("is_dev").notNull().default(false),
    schema: jsonColumn<Record<string, unknown>>("schema").notNull(),
    example: jsonColumn<unknown>("example"),
    definition: jsonColumn<PipelineDefinition>("definition").notNull(),
    definitionHash: varchar("definition_hash", { length: 64 }).notNull(),
    timeoutSeconds: int("timeout_seconds").notNull(),
    maxAttempts: int("max_attempts").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at"),
  },
  (t) => [uniqueIndex("pipelines_name_version_unique").on(t.name, t.version)],
);

export type PipelineRow = typeof pipelines.$inferSelect;
