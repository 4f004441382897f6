import { getPriority } from "node:os";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { bundleCpuWorker } from "@/test/cpu-bundle";
import { AppError, toProblem } from "../errors";
import { toCallerError } from "./cpu-messages";
import { CpuPool, type CpuPoolOptions } from "./cpu-pool";
import { CPU_THREAD_NICE } from "./serve-cpu-tasks";

let script = "";
const pools: CpuPool[] = [];

beforeAll(async () => {
  script = await bundleCpuWorker("test/fixtures/cpu-test-worker.ts", "cpu-test-worker");
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(options: Partial<CpuPoolOptions> = {}): CpuPool {
  const created = new CpuPool({ script, size: 1, maxQueue: 4, timeLimitMs: 5000, ...options });
  pools.push(created);
  return created;
}

/** What the caller of a failed task throws (runCpuTask maps the pool's rejection so). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("the task should fail"),
    (error: unknown) => toCallerError(error),
  );
}

describe("CpuPool", () => {
  it("runs a task on a thread and gives back its value", async () => {
    const p = pool();
    expect(await p.run("echo", { a: [1, "b"], when: new Date(0) })).toEqual({
      a: [1, "b"],
      when: new Date(0),
    });
  });

  it("moves the buffers of `transfer` to the thread, not copying them", async () => {
    const p = pool();
    const bytes = new Uint8Array(64 * 1024).fill(7);
    const copied = new Uint8Array(16).fill(3);
    const back = await p.run<{ moved: Uint8Array; copied: Uint8Array }>(
      "echo",
      { moved: bytes, copied },
      { transfer: [bytes.buffer] },
    );
    expect(Buffer.compare(back.moved, new Uint8Array(64 * 1024).fill(7))).toBe(0);
    expect(bytes.byteLength, "the caller's view is emptied: the bytes moved").toBe(0);
    expect(copied.byteLength, "what is not in the list is copied").toBe(16);
  });

  it("fails a task whose input cannot be sent (DataCloneError), and goes on", async () => {
    const p = pool();
    await expect(p.run("echo", { notData: () => 1 })).rejects.toThrow(/could not be cloned/);
    expect(await p.run("echo", 1), "the thread is free again").toBe(1);
  });

  it("keeps the event loop free while a task spins for 1.5 s", async () => {
    const p = pool();
    await p.run("echo", null); // the thread is up
    const task = p.run("spin", { ms: 1500 });
    const lags: number[] = [];
    for (let i = 0; i < 25; i++) {
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
      lags.push(performance.now() - start - 20);
    }
    expect(await task).toBe(true);
    // Inline, one timer would wait the whole 1.5 s; the margin is for a loaded machine.
    expect(Math.max(...lags)).toBeLessThan(400);
  });

  it("runs its threads at a lower priority than the event loop", async () => {
    const loop = getPriority(0);
    expect(await pool().run("nice", null)).toBe(Math.max(loop, CPU_THREAD_NICE));
    expect(getPriority(0)).toBe(loop);
  });

  it("stops a task at its time limit with the caller's error, and the next task runs", async () => {
    const p = pool({ timeLimitMs: 300 });
    await p.run("echo", null);
    const started = Date.now();
    const error = await failure(
      p.run(
        "spin",
        { ms: 20_000 },
        {
          limitError: (limit, seconds) =>
            new AppError("UNREADABLE_SPREADSHEET", `took longer than ${seconds} s (${limit})`),
        },
      ),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("UNREADABLE_SPREADSHEET");
    expect((error as AppError).message).toBe("took longer than 0.3 s (time)");
    expect(await p.run("echo", "after")).toBe("after");
    expect(p.load.threads).toBe(1);
  });

  it("refuses a task with 503 and Retry-After when every thread is busy and the queue is full", async () => {
    const p = pool({ size: 1, maxQueue: 1 });
    const running = p.run("spin", { ms: 400 });
    const waiting = p.run("echo", "queued");
    const refused = await failure(p.run("echo", "refused"));
    expect(refused).toBeInstanceOf(AppError);
    const { problem, headers } = toProblem(refused);
    expect(problem.status).toBe(503);
    expect(headers["Retry-After"]).toBe("5");
    expect(await running).toBe(true);
    expect(await waiting).toBe("queued");
    expect(await p.run("echo", "again")).toBe("again");
  });

  it("rejects with the failure as data: the caller's own AppError class maps it", async () => {
    // Next.js bundles instrumentation and routes apart, each with its own AppError class:
    // an AppError made by the pool's copy of errors.ts was a 500 in the routes' toProblem.
    const rejected = await pool()
      .run("refuse", null)
      .catch((error: unknown) => error);
    expect(rejected).not.toBeInstanceOf(AppError);
    expect(rejected).toMatchObject({ name: "CpuTaskError", failure: { kind: "app" } });
    expect(toCallerError(rejected)).toBeInstanceOf(AppError);
  });

  it("gives back an AppError with its code, detail, items and headers", async () => {
    const error = await failure(pool().run("refuse", null));
    expect(error).toBeInstanceOf(AppError);
    expect(toProblem(error)).toEqual({
      problem: {
        type: "urn:runport:problem:validation-failed",
        title: "Validation failed",
        status: 422,
        detail: "the config is wrong",
        code: "VALIDATION_FAILED",
        errors: [{ path: "/a", message: "must be a string", line: 2, column: 7 }],
      },
      headers: { "X-Test": "1" },
    });
  });

  it("turns any other error into a 500 that does not leak its message, but keeps it for the log", async () => {
    const error = await failure(pool().run("crash", null));
    expect(error).not.toBeInstanceOf(AppError);
    expect((error as Error).message).toBe(
      "CPU task crash failed: TypeError: cannot read properties of undefined",
    );
    expect(toProblem(error).problem.status).toBe(500);
    expect(toProblem(error).problem.detail).not.toContain("undefined");
  });

  it("answers a task's synchronous call to the parent, and rethrows the parent's own error", async () => {
    const p = pool();
    const parentError = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const parent = {
      greet: async (name: string) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return `hello ${name}`;
      },
      fail: () => Promise.reject(parentError),
    };
    expect(await p.run("ask", { name: "ada" }, { parent })).toEqual({ answer: "hello ada" });
    const error = await failure(p.run("askFailing", null, { parent }));
    expect(error).toBe(parentError);
    expect(toProblem(error).problem.status).toBe(503);
  });

  it("answers the parent's own error when the time limit passes while the parent is asked", async () => {
    const p = pool({ timeLimitMs: 300 });
    await p.run("echo", null); // a warm thread: the call is made well within the limit
    const down = Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" });
    const late = (outcome: "fail" | "answer") => () =>
      new Promise((resolve, reject) =>
        setTimeout(() => (outcome === "fail" ? reject(down) : resolve("late")), 900),
      );
    const started = Date.now();
    const error = await failure(p.run("askFailing", null, { parent: { fail: late("fail") } }));
    expect(error).toBe(down);
    expect(Date.now() - started).toBeGreaterThanOrEqual(850);
    const limited = await failure(
      p.run("ask", { name: "x" }, { parent: { greet: late("answer") } }),
    );
    expect(toProblem(limited).problem.detail).toContain("longer than 0.3 s");
    expect(await p.run("echo", "after")).toBe("after");
  });

  it("stops a thread that runs out of its heap with the caller's memory error", async () => {
    const p = pool({ heapMb: 32, timeLimitMs: 20_000 });
    const error = await failure(p.run("grow", null));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain("more memory");
    expect(await p.run("echo", "after")).toBe("after");
  }, 30_000); // filling 32 MB of heap and a new thread: seconds on a busy 2-core machine

  it("is not available without its script or with size 0", () => {
    expect(pool({ script: "/nonexistent/cpu.cjs" }).available).toBe(false);
    expect(pool({ size: 0 }).available).toBe(false);
    expect(pool().available).toBe(true);
  });
});
