import { randomUUID } from "node:crypto";
import type { WorkersReload } from "@/lib/contract/operations";
import { ZWorkersReload } from "@/lib/contract/operations";
import type { Principal } from "../auth/principal";
import { requireAdmin } from "../auth/require-role";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { listWorkers, ZWorkerHeartbeat, type WorkerHeartbeat } from "../health/heartbeats";

type Ctx = Pick<AppContext, "redis" | "keys" | "config" | "log">;

/** How long a finished reload stays visible on the operations page. */
const RELOAD_KEEP_SECONDS = 86_400;
/** The message a worker drains on: `drain <requestedAt>` (worker/drain-listener.ts). */
export const DRAIN_MESSAGE = "drain";

async function readHeartbeat(ctx: Ctx, workerId: string): Promise<WorkerHeartbeat | null> {
  const raw = await ctx.redis.get(ctx.keys.worker(workerId));
  if (!raw) return null;
  const parsed = ZWorkerHeartbeat.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

/**
 * Asks one worker to drain: a message on its control channel, and a key it reads at its
 * next heartbeat in case the message was missed. Both carry the request's time: a worker
 * started after it (the replacement, perhaps under the same WORKER_ID) ignores them.
 */
async function askToDrain(ctx: Ctx, workerId: string, requestedAt: string): Promise<void> {
  const ttl = ctx.config.workerDrainSeconds + ctx.config.cancelGraceSeconds + 120;
  await ctx.redis.set(ctx.keys.workerDrain(workerId), requestedAt, "EX", ttl);
  await ctx.redis.publish(ctx.keys.workerControl(workerId), `${DRAIN_MESSAGE} ${requestedAt}`);
}

/**
 * Asks a live worker to drain (admins): it takes no new runs, finishes or hands back its
 * runs within WORKER_DRAIN_SECONDS and exits 0, as on SIGTERM; its supervisor starts a new one.
 */
export async function drainWorker(
  ctx: AppContext,
  options: { principal: Principal; workerId: string; ip?: string },
): Promise<{ workerId: string; requestedAt: string }> {
  requireAdmin(options.principal, "drain a worker");
  const { workerId } = options;
  if (workerId.length > 200 || !(await readHeartbeat(ctx, workerId)))
    throw new AppError("NOT_FOUND", `No live worker "${workerId.slice(0, 200)}"`);
  const requestedAt = new Date().toISOString();
  await askToDrain(ctx, workerId, requestedAt);
  await recordAudit(ctx, {
    action: "worker.drain",
    actor: options.principal,
    ip: options.ip ?? null,
    details: { workerId },
  });
  ctx.log.warn({ workerId, by: options.principal.username }, "worker asked to drain");
  return { workerId, requestedAt };
}

/** The latest rolling reload, or null. */
export async function getWorkersReload(ctx: Pick<Ctx, "redis" | "keys">) {
  const raw = await ctx.redis.get(ctx.keys.workersReload);
  if (!raw) return null;
  const parsed = ZWorkersReload.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

// Sets the reload unless one is unfinished (atomic: two admins cannot start two).
const START_RELOAD = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, state = pcall(cjson.decode, current)
  if ok and type(state) == 'table' and (state.finishedAt == nil or state.finishedAt == cjson.null) then
    return current
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return false`;

/**
 * Asks for a rolling reload of every live worker (admins). The active beat drains them one
 * at a time (followWorkersReload); 409 while one is still going on.
 */
export async function reloadWorkers(
  ctx: AppContext,
  options: { principal: Principal; ip?: string },
): Promise<WorkersReload> {
  requireAdmin(options.principal, "reload the workers");
  const workers = await listWorkers(ctx);
  if (workers.length === 0) throw new AppError("CONFLICT", "There are no live workers to reload");
  const state: WorkersReload = {
    id: randomUUID(),
    by: options.principal.username,
    requestedAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    pending: workers.map((w) => w.id).sort(),
    current: null,
    done: [],
  };
  const running = (await ctx.redis.eval(
    START_RELOAD,
    1,
    ctx.keys.workersReload,
    JSON.stringify(state),
    RELOAD_KEEP_SECONDS,
  )) as string | null;
  if (running)
    throw new AppError("CONFLICT", "A reload of the workers is already going on", {
      cause: running,
    });
  await recordAudit(ctx, {
    action: "workers.reload",
    actor: options.principal,
    ip: options.ip ?? null,
    details: { workers: state.pending },
  });
  ctx.log.warn({ workers: state.pending, by: state.by }, "rolling reload of the workers asked");
  return state;
}

export interface ReloadTiming {
  /** How often the beat looks at the draining worker (default 500 ms). */
  pollMs?: number;
  /** How long a drained worker's replacement is waited for (default 60 s). */
  replaceWaitMs?: number;
}

/**
 * One step of the reload, decided from what Redis shows now; changes `state` in place and
 * says whether it changed.
 */
async function stepReload(
  ctx: Ctx,
  state: WorkersReload,
  timing: Required<ReloadTiming>,
): Promise<boolean> {
  const now = Date.now();
  const at = new Date(now).toISOString();
  let changed = false;
  if (!state.startedAt) {
    state.startedAt = at;
    changed = true;
  }
  const current = state.current;
  if (current) {
    const drainedAt = Date.parse(current.drainedAt);
    const seconds = Math.round((now - drainedAt) / 100) / 10;
    const beat = await readHeartbeat(ctx, current.workerId);
    // Under a fixed WORKER_ID (systemd) the replacement writes the same key.
    const replacedInPlace = beat && Date.parse(beat.startedAt) > drainedAt;
    if (beat && !replacedInPlace) {
      const limitMs = (ctx.config.workerDrainSeconds + ctx.config.cancelGraceSeconds + 30) * 1000;
      if (now - drainedAt < limitMs) return changed;
      state.done.push({
        workerId: current.workerId,
        outcome: "timeout",
        replacedBy: null,
        seconds,
      });
    } else {
      if (!current.goneAt) {
        current.goneAt = at;
        changed = true;
      }
      const replacements = new Set(state.done.map((d) => d.replacedBy));
      const known = new Set([...state.pending, ...state.done.map((d) => d.workerId)]);
      known.add(current.workerId);
      const fresh = (await listWorkers(ctx)).find(
        (w) => !replacements.has(w.id) && (Date.parse(w.startedAt) > drainedAt || !known.has(w.id)),
      );
      if (fresh)
        state.done.push({
          workerId: current.workerId,
          outcome: "replaced",
          replacedBy: fresh.id,
          seconds,
        });
      else if (now - Date.parse(current.goneAt) >= timing.replaceWaitMs)
        state.done.push({ workerId: current.workerId, outcome: "gone", replacedBy: null, seconds });
      else return changed;
    }
    ctx.log.info({ reload: state.done.at(-1) }, "worker reloaded");
    state.current = null;
    changed = true;
  }
  while (state.pending.length > 0) {
    const workerId = state.pending.shift()!;
    changed = true;
    if (!(await readHeartbeat(ctx, workerId))) continue; // gone meanwhile: nothing to drain
    await askToDrain(ctx, workerId, at);
    state.current = { workerId, drainedAt: at, goneAt: null };
    return true;
  }
  state.finishedAt = at;
  return true;
}

/**
 * Carries out the requested reload, if any is unfinished, while `active()` holds (the
 * active beat). Its state lives in Redis after each step, so another beat that becomes
 * active carries on where this one stopped.
 */
export async function followWorkersReload(
  ctx: AppContext,
  active: () => boolean,
  timing: ReloadTiming = {},
): Promise<void> {
  const t = { pollMs: timing.pollMs ?? 500, replaceWaitMs: timing.replaceWaitMs ?? 60_000 };
  const state = await getWorkersReload(ctx);
  while (state && !state.finishedAt && active()) {
    if (await stepReload(ctx, state, t))
      await ctx.redis.set(ctx.keys.workersReload, JSON.stringify(state), "EX", RELOAD_KEEP_SECONDS);
    if (state.finishedAt) {
      ctx.log.warn({ done: state.done }, "rolling reload of the workers finished");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, t.pollMs));
  }
}
