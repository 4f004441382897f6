import { connect } from "node:net";
import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import type { ServiceUrl } from "./service-url";

/**
 * ok: answers with these credentials; absent: nothing answers (refused, unknown host,
 * timeout); refused: something answers but says no (wrong password, not this kind of server).
 */
export interface Probe {
  status: "ok" | "absent" | "refused";
  message: string;
}

const GONE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL/;

const failure = (error: unknown) => error as { code?: string; message: string };

export function tcpOpen(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

/**
 * A real login with the app's own driver (authentication plugins differ between
 * clients), without selecting the database: setup creates it.
 */
export async function probeMysql(url: ServiceUrl): Promise<Probe> {
  try {
    const connection = await createConnection({
      host: url.host,
      port: url.port,
      user: url.user,
      password: url.password,
      connectTimeout: 5000,
    });
    await connection.query("SELECT 1");
    await connection.end(); // a clean QUIT: no "Aborted connection" in the server's log
    return { status: "ok", message: "" };
  } catch (error) {
    const { code = "", message } = failure(error);
    // A timeout on an open port: something listens there that does not speak MySQL.
    if (code === "ETIMEDOUT" && (await tcpOpen(url.host, url.port)))
      return {
        status: "refused",
        message: `something listens on port ${url.port} but does not answer like MySQL/MariaDB`,
      };
    return { status: GONE.test(code) ? "absent" : "refused", message };
  }
}

/** PING must answer PONG (after AUTH when the URL has a password). */
export async function probeRedis(url: ServiceUrl): Promise<Probe> {
  const redis = new Redis({
    host: url.host,
    port: url.port,
    ...(url.user ? { username: url.user } : {}),
    ...(url.password ? { password: url.password } : {}),
    ...(url.scheme === "rediss" ? { tls: {} } : {}),
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let first: unknown;
  redis.on("error", (error) => (first ??= error));
  try {
    await redis.connect();
    const pong = await redis.ping();
    return { status: pong === "PONG" ? "ok" : "refused", message: "PING did not answer PONG" };
  } catch (error) {
    const { code = "", message } = failure(first ?? error);
    return { status: GONE.test(code + message) ? "absent" : "refused", message };
  } finally {
    redis.disconnect();
  }
}
