import net from "node:net";

export interface SlowCommitProxy {
  /** The database URL through the proxy. */
  url: string;
  /** Answers to a transaction (a query with START TRANSACTION) wait this long; 0: none. */
  delayCommitsMs: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of MySQL that can hold back the answers to transactions: the
 * server runs and commits them at once, the client hears of it `delayCommitsMs` later (a
 * slow network, an overloaded web process). Everything else passes at once.
 */
export async function startSlowCommitProxy(databaseUrl: string): Promise<SlowCommitProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  const proxy: SlowCommitProxy = { url: "", delayCommitsMs: 0, close: () => Promise.resolve() };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 3306), target.hostname);
    sockets.add(client).add(upstream);
    let delayMs = 0;
    let last = Promise.resolve();
    client.on("data", (chunk) => {
      if (proxy.delayCommitsMs > 0 && chunk.includes("START TRANSACTION")) {
        delayMs = proxy.delayCommitsMs;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (delayMs === 0) {
        client.write(chunk);
        return;
      }
      // In order, each chunk `delayMs` after it came.
      const due = Date.now() + delayMs;
      last = last.then(
        () => new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()))),
      );
      void last.then(() => client.writable && client.write(chunk));
    });
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
  proxy.url = url.toString();
  proxy.close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}
