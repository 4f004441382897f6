import type { Redis } from "ioredis";
import type { AppContext } from "../context";
import { createRedis } from "../redis";

type Listener = () => void;

/**
 * One Redis subscriber per web process, shared by every live view: a worker announces
 * new log text and progress on the run's channel, and each listener re-reads MySQL.
 * (Messages only say "something new"; MySQL stays the source of the data.)
 * One per process: ctx.runNotifications; ctx.close() closes its connection.
 */
export class RunNotifications {
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly ctx: Pick<AppContext, "config" | "keys">) {}

  subscribe(publicId: string, listener: Listener): () => void {
    const channel = this.ctx.keys.runChannel(publicId);
    if (!this.subscriber) {
      this.subscriber = createRedis(this.ctx.config.redisUrl, "blocking", "runport-web-live");
      this.subscriber.on("error", () => undefined);
      this.subscriber.on("message", (name: string) =>
        this.listeners.get(name)?.forEach((l) => l()),
      );
    }
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      void this.subscriber.subscribe(channel).catch(() => undefined);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(channel);
      current?.delete(listener);
      if (current && current.size === 0) {
        this.listeners.delete(channel);
        void this.subscriber?.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = null;
    this.listeners.clear();
  }
}
