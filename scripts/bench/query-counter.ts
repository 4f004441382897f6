import net from "node:net";

/** What went from the clients to MySQL through the counter since the last reset. */
export interface QueryCounts {
  /** Every command that runs SQL (COM_QUERY and COM_STMT_EXECUTE). */
  statements: number;
  /** Those that read a runs list: the page's own query and its total (server/runs/list-runs.ts). */
  listQueries: number;
}

export interface QueryCounter {
  /** The database URL through the counter. */
  url: string;
  counts(): QueryCounts;
  reset(): void;
  close(): Promise<void>;
}

const COM_QUERY = 0x03;
const COM_STMT_EXECUTE = 0x17;

/**
 * A run list's statements (server/runs/run-list-plan.ts: ids from `runs` or `run_labels`, the
 * rows by id, the capped count): every SELECT that reads either table. Another read of a run
 * counts too (an over-count, never an under-count); the session's user does not.
 */
export function isListQuery(sql: string): boolean {
  const text = sql.toLowerCase();
  return text.startsWith("select") && /\b(from|join)\s+`?(runs|run_labels)\b/.test(text);
}

/**
 * A TCP proxy in front of MySQL that counts the statements its clients send, by reading
 * the client → server side of the protocol: each command packet (sequence id 0) says what
 * it is in its first byte, and a COM_QUERY carries its SQL text. This counts exactly what
 * the web process asks of the database, and nothing another process on the same server
 * does (which global status counters such as Com_select would mix in).
 */
export async function startQueryCounter(databaseUrl: string): Promise<QueryCounter> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let counts: QueryCounts = { statements: 0, listQueries: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 3306), target.hostname);
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on("data", (chunk) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readUIntLE(0, 3);
        if (pending.length < 4 + length) break;
        const sequence = pending[3];
        const command = pending[4];
        if (sequence === 0 && (command === COM_QUERY || command === COM_STMT_EXECUTE)) {
          counts.statements++;
          const sql = command === COM_QUERY ? pending.toString("utf8", 5, 4 + length) : "";
          if (isListQuery(sql)) counts.listQueries++;
        }
        pending = pending.subarray(4 + length);
      }
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(databaseUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString(),
    counts: () => ({ ...counts }),
    reset: () => {
      counts = { statements: 0, listQueries: 0 };
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
