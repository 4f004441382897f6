import { mysqlTable, varchar } from "drizzle-orm/mysql-core";
import { jsonColumn, timestamp } from "./columns";

/** Platform switches an admin changes at run time (e.g. `intake`: paused or running). */
export const settings = mysqlTable("settings", {
  key: varchar("key", { length: 64 }).primaryKey(),
  value: jsonColumn<unknown>("value").notNull(),
  updatedAt: timestamp("updated_at"),
});
