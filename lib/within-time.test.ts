import { describe, expect, it } from "vitest";
import { withinTime } from "./within-time";

const late = () => new Error("late");
const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("withinTime", () => {
  it("gives the answer that comes in time, and the error of one that fails", async () => {
    await expect(withinTime(after(5, "ok"), 200, late)).resolves.toBe("ok");
    await expect(withinTime(Promise.reject(new Error("no")), 200, late)).rejects.toThrow("no");
  });

  it("fails with late() and calls onLate once when time is up", async () => {
    let calls = 0;
    const never = new Promise<never>(() => undefined);
    await expect(withinTime(never, 20, late, () => calls++)).rejects.toThrow("late");
    expect(calls).toBe(1);
  });

  it("lets an answer that arrived while the event loop was blocked win over its timer", async () => {
    let calls = 0;
    const answer = new Promise<string>((resolve) => setImmediate(() => resolve("ok")));
    const bounded = withinTime(answer, 1, late, () => calls++);
    const until = Date.now() + 30; // the timer is long expired when the loop runs again
    while (Date.now() < until);
    await expect(bounded).resolves.toBe("ok");
    expect(calls).toBe(0);
  });
});
