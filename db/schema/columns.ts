import { bigint, customType, datetime, type AnyMySqlColumn } from "drizzle-orm/mysql-core";

/** Shared column shapes: unsigned bigint keys and millisecond UTC timestamps. */
export const id = () =>
  bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey();

export const foreignId = (name: string) => bigint(name, { mode: "number", unsigned: true });

/** A required reference to another table's key; `cascade`: deleted with the row it names. */
export const reference = (name: string, to: () => AnyMySqlColumn, onDelete?: "cascade") =>
  foreignId(name).notNull().references(to, { onDelete });

export const timestamp = (name: string) => datetime(name, { mode: "date", fsp: 3 });

export const createdAt = () =>
  timestamp("created_at")
    .notNull()
    .$defaultFn(() => new Date());

/**
 * A JSON column that reads back the same on MySQL (which returns objects) and on
 * MariaDB (where JSON is LONGTEXT and the driver returns a string).
 */
export const jsonColumn = <T>(name: string) =>
  customType<{ data: T; driverData: string | T }>({
    dataType: () => "json",
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => (typeof value === "string" ? (JSON.parse(value) as T) : value),
  })(name);
