import type { Redis } from "ioredis";
import type { AppContext } from "../context";
import { createRedis } from "../redis";

type Listener = (message: string) => void;
/** What was revoked: everything about the user, or their API tokens' credentials. */
export type RevocationScope = "all" | "credentials";
type UserListener = (scope: RevocationScope) => void;

/** What a process does when a user's access is revoked (or revocations may have been missed). */
export interface RevocationHandlers {
  /** Forget what is cached about this user. */
  revoked(userId: number): void;
  /** The connection came back: revocations sent meanwhile were missed; forget everyone. */
  missed(): void;
}

/**
 * One Redis subscriber per web process, shared by every live view: a worker announces
 * new log text and progress on the run's channel, and each listener re-reads MySQL.
 * (Messages only say "something new"; MySQL stays the source of the data.) It also
 * carries the changes channel, which the change feed of list views follows.
 * The same connection carries the users channel: a user disabled, deleted or given
 * another role (server/users/revoke-user-access.ts) is forgotten by every web process's
 * caches and their live views end at once. A process listens to it from the first time
 * it caches something about a user (auth/credential-cache.ts), so nothing is cached
 * unheard. One per process: ctx.runNotifications; ctx.close() closes its connection.
 */
export class RunNotifications {
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly userWatchers = new Map<number, Set<UserListener>>();
  private handlers: RevocationHandlers | null = null;
  private listeningForUsers = false;

  constructor(private readonly ctx: Pick<AppContext, "config" | "keys">) {}

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = createRedis(this.ctx.config.redisUrl, "blocking", "runport-web-live");
    subscriber.on("error", () => undefined);
    subscriber.on("message", (name: string, message: string) => {
      if (name === this.ctx.keys.usersChannel) {
        // "<id>": the user changed; "<id> credentials": one of their API tokens was revoked.
        const [id, scope] = message.split(" ");
        this.userRevoked(Number(id), scope === "credentials" ? "credentials" : "all");
      } else this.listeners.get(name)?.forEach((l) => l(message));
    });
    // ioredis subscribes again after a reconnect; what was sent while away is lost.
    let connected = false;
    subscriber.on("ready", () => {
      if (connected && this.listeningForUsers) this.handlers?.missed();
      connected = true;
    });
    this.subscriber = subscriber;
    return subscriber;
  }

  /** Calls `listener` on each announcement about the run (new log text, progress, status). */
  subscribe(publicId: string, listener: Listener): () => void {
    return this.listen(this.ctx.keys.runChannel(publicId), listener);
  }

  /** Calls `listener` with each message of the changes channel (changes/stream-changes.ts). */
  subscribeChanges(listener: Listener): () => void {
    return this.listen(this.ctx.keys.changesChannel, listener);
  }

  private listen(channel: string, listener: Listener): () => void {
    const subscriber = this.connection();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      void subscriber.subscribe(channel).catch(() => undefined);
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

  /** What this process does on a revocation (set once, by createAppContext). */
  handleRevocations(handlers: RevocationHandlers): void {
    this.handlers = handlers;
  }

  /**
   * Subscribes to the users channel, once: before the first entry about a user is cached.
   * (A revocation in the moment until Redis confirms the subscription is not heard: the
   * caches' own lifetime bounds that one, as it does a lost connection.)
   */
  listenForRevocations(): void {
    if (this.listeningForUsers) return;
    this.listeningForUsers = true;
    void this.connection()
      .subscribe(this.ctx.keys.usersChannel)
      .catch(() => undefined);
  }

  /** Calls `listener` when the user's access is revoked (a live view ends); returns the undo. */
  watchUser(userId: number, listener: UserListener): () => void {
    this.listenForRevocations();
    let set = this.userWatchers.get(userId);
    if (!set) {
      set = new Set();
      this.userWatchers.set(userId, set);
    }
    set.add(listener);
    return () => {
      const current = this.userWatchers.get(userId);
      current?.delete(listener);
      if (current?.size === 0) this.userWatchers.delete(userId);
    };
  }

  /**
   * A revocation, heard on the users channel or made in this process: applied at once.
   * `credentials` (a revoked API token): the live views decide (those opened with a token end).
   */
  userRevoked(userId: number, scope: RevocationScope = "all"): void {
    if (!Number.isSafeInteger(userId)) return;
    this.handlers?.revoked(userId);
    for (const listener of [...(this.userWatchers.get(userId) ?? [])]) listener(scope);
  }

  close(): void {
    this.subscriber?.disconnect();
    this.subscriber = null;
    this.listeners.clear();
    this.userWatchers.clear();
    this.listeningForUsers = false;
  }
}
