import { setTimeout as sleep } from "node:timers/promises";
import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import { assertMatchesContract } from "@/test/contract";

/** One submission's answer as the client saw it. */
export interface Answer {
  name: string;
  status: number;
  ms: number;
  contentType: string | null;
  retryAfter: string | null;
  code: string | null;
  error?: string;
  /** How the answer breaks the OpenAPI document (checked for every answer but a 201). */
  contract?: string;
}

/**
 * POSTs one submission of the noop pipeline named `name`, through the JSON API or the
 * old portal's POST /api/v1/new-run/ (where `project` is the run's name), with Basic auth
 * and, when given, an Idempotency-Key.
 */
export async function submit(
  baseUrl: string,
  auth: string,
  name: string,
  legacy: boolean,
  idempotencyKey?: string,
): Promise<Answer> {
  const started = performance.now();
  const [url, body] = legacy
    ? [`${baseUrl}/api/v1/new-run/`, { pipeline: "noop@1.0.0", project: name }]
    : [`${baseUrl}/api/v1/runs`, { pipeline: "noop", name, config: {} }];
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        Authorization: auth,
        "Content-Type": "application/json",
        ...(idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.clone().text();
    // The whole answer, body included, as a client waits for it.
    const ms = performance.now() - started;
    let contract: string | undefined;
    if (response.status !== 201) {
      await assertMatchesContract("POST", new URL(url).pathname, response).catch(
        (error: unknown) => (contract = String(error)),
      );
    }
    let code: string | null = null;
    try {
      code = (JSON.parse(text) as { code?: string }).code ?? null;
    } catch {
      code = null;
    }
    return {
      name,
      status: response.status,
      ms,
      ...(contract ? { contract } : {}),
      contentType: response.headers.get("content-type"),
      retryAfter: response.headers.get("retry-after"),
      code,
    };
  } catch (error) {
    const ms = performance.now() - started;
    const none = { contentType: null, retryAfter: null, code: null };
    return { name, status: 0, ms, ...none, error: String(error) };
  }
}

/** Fires `count` submissions at a steady pace (each one on time, whatever the others wait). */
export async function submitPaced(
  count: number,
  everyMs: number,
  send: (i: number) => Promise<Answer>,
): Promise<Answer[]> {
  const started = Date.now();
  const answers: Promise<Answer>[] = [];
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, started + i * everyMs - Date.now()));
    answers.push(send(i));
  }
  return Promise.all(answers);
}

/** GET /api/health once a second until stopped: how long each answer took, and what it said. */
export function watchHealth(baseUrl: string) {
  const seen: { ms: number; status: number; body: string }[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${baseUrl}/api/health`, {
          signal: AbortSignal.timeout(10_000),
        });
        seen.push({
          ms: performance.now() - started,
          status: response.status,
          body: await response.text(),
        });
      } catch (error) {
        seen.push({ ms: performance.now() - started, status: 0, body: String(error) });
      }
      await sleep(1000);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return seen;
    },
  };
}

export interface RunFacts {
  id: number;
  name: string;
  status: string;
  attempt: number;
  error: string | null;
  attempts: number;
  events: number;
}

/** The runs named with `prefix`, with how many attempts and events each has, from MySQL itself. */
export async function runFacts(db: Connection, prefix: string): Promise<RunFacts[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT r.id, r.name, r.status, r.attempt, r.error,
       (SELECT COUNT(*) FROM run_attempts a WHERE a.run_id = r.id) AS attempts,
       (SELECT COUNT(*) FROM run_events e WHERE e.run_id = r.id) AS events
     FROM runs r WHERE r.name LIKE ? ORDER BY r.id`,
    [`${prefix}%`],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    name: String(row.name),
    status: String(row.status),
    attempt: Number(row.attempt),
    error: row.error === null ? null : String(row.error),
    attempts: Number(row.attempts),
    events: Number(row.events),
  }));
}

const FINAL = new Set(["succeeded", "failed", "error", "cancelled"]);

/** Waits until every run named with `prefix` has ended (at least `count` of them). */
export async function waitForRuns(
  db: Connection,
  prefix: string,
  count: number,
  timeoutMs: number,
): Promise<RunFacts[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const facts = await runFacts(db, prefix);
    if (facts.length >= count && facts.every((f) => FINAL.has(f.status))) return facts;
    if (Date.now() > deadline) {
      const open = facts.filter((f) => !FINAL.has(f.status)).map((f) => `${f.name}: ${f.status}`);
      throw new Error(
        `runs ${prefix}*: ${facts.length} of ${count} stored, not ended: ${open.slice(0, 10).join(", ")}`,
      );
    }
    await sleep(500);
  }
}

/** A run's whole log from run_logs, and whether its byte offsets run on without a gap. */
export async function readLog(db: Connection, runId: number) {
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT `offset`, length, content FROM run_logs WHERE run_id = ? ORDER BY `offset`",
    [runId],
  );
  let next = 0;
  let continuous = true;
  for (const row of rows) {
    if (Number(row.offset) !== next) continuous = false;
    next = Number(row.offset) + Number(row.length);
  }
  return { text: rows.map((row) => String(row.content)).join(""), continuous };
}

/** The lines "tick 000001" ... of the ticker pipeline that a log holds, as numbers. */
export function ticks(text: string): number[] {
  return [...text.matchAll(/^tick (\d{6})$/gm)].map((m) => Number(m[1]));
}

export async function connect(databaseUrl: string): Promise<Connection> {
  return createConnection({ uri: databaseUrl });
}
