/** Counts the stored runs straight from MySQL: the fuzzer trusts no answer for it. */
import mysql from "mysql2/promise";

export async function openRunCounter(databaseUrl: string) {
  const connection = await mysql.createConnection(databaseUrl);
  return {
    async count(): Promise<number> {
      const [rows] = await connection.query("SELECT COUNT(*) AS n FROM runs");
      return Number((rows as { n: number | string }[])[0]!.n);
    },
    close: () => connection.end(),
  };
}
