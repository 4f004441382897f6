/**
 * What the web process and its CPU threads say to each other (server/cpu/). A task's
 * failure crosses the thread boundary as data: an AppError keeps its code, detail, items
 * and headers; an error thrown by a call to the parent is named by its index, so that
 * the parent rethrows its own error object (a MySQL error stays a MySQL error, a 503);
 * anything else is a bug, a 500 as it would be inline (with the thread's stack logged).
 */
import type { MessagePort } from "node:worker_threads";
import { AppError, type ErrorCode, type ProblemItem } from "../errors";

export type CpuFailure =
  | {
      kind: "app";
      code: ErrorCode;
      detail: string;
      errors?: ProblemItem[];
      headers?: Record<string, string>;
    }
  | { kind: "parent"; index: number }
  | { kind: "bug"; message: string; stack?: string };

/** Parent → thread: run a task. */
export interface CpuTaskMessage {
  id: number;
  task: string;
  input: unknown;
}

/** Thread → parent: a task's outcome, or a call the task makes to the parent. */
export type CpuThreadMessage =
  | { type: "done"; id: number; value: unknown }
  | { type: "failed"; id: number; failure: CpuFailure }
  | {
      type: "call";
      id: number;
      name: string;
      argument: unknown;
      /** Set to 1 (and notified) once the answer is on `port`. */
      signal: Int32Array;
      port: MessagePort;
    };

/** Parent → thread, on a call's own port: its answer. */
export type CpuCallAnswer = { ok: true; value: unknown } | { ok: false; index: number };

/** Thrown in a thread where a call to the parent failed; the parent holds the real error. */
export class ParentCallError extends Error {
  constructor(readonly index: number) {
    super("a call to the web process failed");
    this.name = "ParentCallError";
  }
}

export function toFailure(error: unknown): CpuFailure {
  if (error instanceof ParentCallError) return { kind: "parent", index: error.index };
  if (error instanceof AppError) {
    return {
      kind: "app",
      code: error.code,
      detail: error.message,
      ...(error.errors ? { errors: error.errors } : {}),
      ...(error.headers ? { headers: error.headers } : {}),
    };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    kind: "bug",
    message: `${e.name}: ${e.message}`,
    ...(e.stack ? { stack: e.stack } : {}),
  };
}

/**
 * How the pool rejects a failed task: the failure as data. The pool may live in another
 * bundle of the same process than the service that called it (Next.js compiles
 * instrumentation and each route apart, each with its own AppError class, and the web's
 * context is made by whichever comes first), so the caller's module makes the AppError
 * (`toCallerError`): `instanceof AppError` holds where the route maps it.
 */
export class CpuTaskError extends Error {
  constructor(
    readonly task: string,
    readonly failure: Exclude<CpuFailure, { kind: "parent" }>,
  ) {
    super(`CPU task ${task} failed`);
    this.name = "CpuTaskError";
  }
}

function isCpuTaskError(error: unknown): error is CpuTaskError {
  return error instanceof Error && error.name === "CpuTaskError" && "failure" in error;
}

/** The error a caller throws for what the pool rejected with (other errors unchanged). */
export function toCallerError(error: unknown): unknown {
  if (!isCpuTaskError(error)) return error;
  const { failure, task } = error;
  if (failure.kind === "app") {
    return new AppError(failure.code, failure.detail, {
      ...(failure.errors ? { errors: failure.errors } : {}),
      ...(failure.headers ? { headers: failure.headers } : {}),
    });
  }
  const bug = new Error(`CPU task ${task} failed: ${failure.message}`);
  if (failure.stack) bug.stack = `${bug.message}\n(in the CPU thread) ${failure.stack}`;
  return bug;
}
