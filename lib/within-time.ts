/**
 * `work`, or the error of `late()` when it has not settled within `ms`. The decision is
 * taken after the event loop's poll phase (setImmediate): after a long block of the loop,
 * timers run before pending I/O is read, and an answer that had already arrived must win
 * over a timer that only looks expired. `onLate` runs once when time is up (destroy the
 * connection, say); `work` itself is never awaited further.
 */
export function withinTime<T>(
  work: Promise<T>,
  ms: number,
  late: () => Error,
  onLate?: () => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (settled) return;
          settled = true;
          onLate?.();
          reject(late());
        }),
      ms,
    );
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
