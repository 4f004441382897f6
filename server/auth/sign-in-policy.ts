/**
 * The numbers of password guessing limits (server/auth/sign-in-throttle.ts) and the pure
 * rules that turn a count of failures into a wait. Three keys, so that an attacker pays and
 * the real user does not (docs/ARCHITECTURE.md, "Password guessing"):
 *
 * - (name, address): the attacker's own pair. Consecutive failures, reset by a success.
 * - address: password spraying, many names from one address.
 * - name, across every address: guessing from many addresses. A slowdown (one attempt per
 *   a few seconds), never a block, and addresses the name has signed in from skip it.
 */
export const SIGN_IN_LIMITS = {
  pair: {
    /** Failures of one name from one address before that pair waits. */
    freeFailures: 5,
    /** The first wait, doubling with every further failure, up to the cap. */
    firstBlockSeconds: 60,
    maxBlockSeconds: 3600,
    /** A pair's failures are forgotten a day after its first one (or at once by a success). */
    windowSeconds: 24 * 3600,
  },
  address: {
    /** Failures from one address, whatever the names, in one window. */
    freeFailures: 50,
    windowSeconds: 3600,
    blockSeconds: 3600,
  },
  name: {
    /** Failures of one name, from any address, before attempts are spaced out. */
    freeFailures: 10,
    windowSeconds: 3600,
    /** The spacing after that: 1 s, doubling with every further failure, up to the cap. */
    firstSpacingSeconds: 1,
    maxSpacingSeconds: 60,
  },
  /** How long an address the name signed in from is known (it skips the name's slowdown). */
  knownAddressSeconds: 30 * 24 * 3600,
} as const;

/** Seconds a (name, address) pair waits after its n-th consecutive failure (0: none). */
export function pairBlockSeconds(failures: number): number {
  const { freeFailures, firstBlockSeconds, maxBlockSeconds } = SIGN_IN_LIMITS.pair;
  if (failures < freeFailures) return 0;
  return Math.min(firstBlockSeconds * 2 ** (failures - freeFailures), maxBlockSeconds);
}

/** Seconds between two attempts at a name that failed n times from anywhere (0: none). */
export function nameSpacingSeconds(failures: number): number {
  const { freeFailures, firstSpacingSeconds, maxSpacingSeconds } = SIGN_IN_LIMITS.name;
  if (failures < freeFailures) return 0;
  return Math.min(firstSpacingSeconds * 2 ** (failures - freeFailures), maxSpacingSeconds);
}

/** Whether an address's n-th failure in its window blocks it. */
export function addressBlocked(failures: number): boolean {
  return failures >= SIGN_IN_LIMITS.address.freeFailures;
}

/**
 * The address as the limits count it: an IPv6 client is its /64 (one host usually holds a
 * whole /64, so counting single addresses would give it 2^64 fresh starts); IPv4 as it is.
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  const groups = [...left, ...missing, ...right].slice(0, 4);
  return `${groups.map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** A wait as the Retry-After header says it: whole seconds, at least 1. */
export function retryAfterSeconds(milliseconds: number): number {
  return Math.max(1, Math.ceil(milliseconds / 1000));
}
