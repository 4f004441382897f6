/**
 * Counts one user's stored runs straight from MySQL: the fuzzer trusts no answer for it,
 * and other users' runs (a schedule firing meanwhile) do not count.
 */
import mysql from "mysql2/promise";

export async function openRunCounter(databaseUrl: string, username: string) {
  const connection = await mysql.createConnection(databaseUrl);
  return {
    async count(): Promise<number> {
      const [rows] = await connection.query(
        "SELECT COUNT(*) AS n FROM runs JOIN users ON users.id = runs.user_id WHERE users.username = ?",
        [username],
      );
      return Number((rows as { n: number | string }[])[0]!.n);
    },
    close: () => connection.end(),
  };
}
