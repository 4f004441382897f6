import type { Redis } from "ioredis";
import type { AppContext } from "@/server/context";
import { parseRunChange } from "@/server/changes/publish-run-change";
import { createRedis } from "@/server/redis";
import { RunEventFollower, type RunEventConsumer } from "@/server/run-events/follow-run-events";

/** The fallback poll, for changes whose announcement was lost (Redis away, a full channel). */
const POLL_MS = 2000;

export interface RunEventLoop {
  /** One drain of every consumer now (tests); resolves when it has finished. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Feeds run events to their consumers (e-mail, webhooks, rules) in the active beat: at
 * once when the changes channel announces a run's status change, else every 2 s. One
 * drain at a time; a wake during a drain runs one more after it. A consumer that fails
 * is logged and tried again with the same events on the next wake.
 */
export function startRunEventLoop(
  ctx: AppContext,
  consumers: readonly RunEventConsumer[],
  isActive: () => boolean,
): RunEventLoop {
  const followers = consumers.map((c) => new RunEventFollower(c));
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const drainAll = async () => {
    for (const follower of followers) {
      await follower.drain(ctx).catch((error: unknown) => {
        ctx.log.error({ err: error, consumer: follower.name }, "run event consumer failed");
      });
    }
  };
  const wake = (): Promise<void> => {
    if (stopped || followers.length === 0 || !isActive()) return running ?? Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await drainAll();
      } while (again && !stopped);
    })().finally(() => (running = null));
    return running;
  };

  let subscriber: Redis | null = null;
  if (followers.length > 0) {
    subscriber = createRedis(ctx.config.redisUrl, "blocking", "runport-beat-events");
    subscriber.on("error", () => undefined);
    subscriber.on("message", (_channel: string, message: string) => {
      const change = parseRunChange(message);
      if (change && change.kind !== "progress") void wake();
    });
    void subscriber.subscribe(ctx.keys.changesChannel).catch(() => undefined);
  }
  const timer = followers.length > 0 ? setInterval(() => void wake(), POLL_MS) : null;

  return {
    drain: async () => {
      await running;
      await wake();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
      subscriber?.disconnect();
    },
  };
}
