import {
  bigint,
  boolean,
  customType,
  index,
  int,
  mysqlTable,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { createdAt, id, reference } from "./columns";
import { runs } from "./runs";

/**
 * Files an attempt left in its outputs folder: path (relative, `/`-separated), size and
 * SHA-256. Files up to the store limit are also kept in `run_output_chunks`, so that the
 * web can serve them without reading a worker's disk.
 */
export const runOutputs = mysqlTable(
  "run_outputs",
  {
    id: id(),
    runId: reference("run_id", () => runs.id, "cascade"),
    attempt: int("attempt").notNull(),
    path: varchar("path", { length: 512 }).notNull(),
    size: bigint("size", { mode: "number", unsigned: true }).notNull(),
    sha256: varchar("sha256", { length: 64 }).notNull(),
    /** Whether the content is in run_output_chunks (false: over the store limit). */
    stored: boolean("stored").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index("run_outputs_run_idx").on(t.runId, t.attempt),
    uniqueIndex("run_outputs_run_attempt_path_unique").on(t.runId, t.attempt, t.path),
  ],
);

const mediumBlob = customType<{ data: Buffer }>({ dataType: () => "mediumblob" });

/** The content of a stored output, in order, at most 1 MiB a chunk. */
export const runOutputChunks = mysqlTable(
  "run_output_chunks",
  {
    id: id(),
    outputId: reference("output_id", () => runOutputs.id, "cascade"),
    seq: int("seq").notNull(),
    data: mediumBlob("data").notNull(),
  },
  (t) => [uniqueIndex("run_output_chunks_output_seq_unique").on(t.outputId, t.seq)],
);

export type RunOutputRow = typeof runOutputs.$inferSelect;
