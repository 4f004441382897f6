/** The operations part of the HTTP contract (administrators). */
import { z } from "zod";
import { zDateTime } from "./common";

/** Body of `POST /api/v1/operations/intake`. */
export const ZIntakeRequest = z.strictObject({ paused: z.boolean() });

/** Whether intake is paused, who switched it last and when. */
export const ZIntake = z.object({
  paused: z.boolean(),
  by: z.string().nullable(),
  at: zDateTime().nullable(),
});
export type IntakeState = z.infer<typeof ZIntake>;

/** A reference list whose latest refresh failed (submissions use its last good version). */
export const ZFailingList = z.object({
  name: z.string(),
  error: z.string().meta({ description: "Why the latest refresh failed" }),
  since: zDateTime()
    .nullable()
    .meta({ description: "The first failure since the last good refresh" }),
  lastGoodAt: zDateTime()
    .nullable()
    .meta({ description: "When the last good version was read; null: none, nothing is checked" }),
  lastGoodCount: z.number().int().nullable(),
});
export type FailingList = z.infer<typeof ZFailingList>;

/** Runport's jobs in Slurm as the workers last saw them, and whether Slurm answers them. */
export const ZSlurmQueueView = z.object({
  workers: z.array(
    z.object({
      workerId: z.string(),
      at: zDateTime().meta({ description: "When the worker last asked Slurm" }),
      answers: z.boolean().meta({ description: "Whether the Slurm commands answered then" }),
      error: z.string().nullable().meta({ description: "What they said when they did not" }),
    }),
  ),
  jobs: z.array(
    z.object({
      jobId: z.string(),
      runId: z.string().nullable().meta({ description: "The run the job is an attempt of" }),
      attempt: z.number().int().nullable(),
      workerId: z.string().meta({ description: "The worker watching the job" }),
      state: z.string().meta({ description: "Slurm's state: PENDING, RUNNING, COMPLETED..." }),
      reason: z.string().meta({ description: "Why it waits (Resources, Priority...) or None" }),
      node: z.string().meta({ description: "The node(s) it runs on; empty while it waits" }),
      elapsed: z.string().meta({ description: "Time used as squeue shows it (e.g. 1:02:03)" }),
    }),
  ),
});
export type SlurmQueueView = z.infer<typeof ZSlurmQueueView>;

/** `POST /api/v1/operations/workers/{id}/drain`: the drain was asked of the worker. */
export const ZWorkerDrain = z.object({
  workerId: z.string(),
  requestedAt: zDateTime(),
});

/** The rolling reload of all workers (`POST /api/v1/operations/workers/reload`). */
export const ZWorkersReload = z
  .object({
    id: z.string(),
    by: z.string().meta({ description: "Who asked for it" }),
    requestedAt: zDateTime(),
    startedAt: zDateTime()
      .nullable()
      .meta({ description: "When the active beat took it up; null: not yet" }),
    finishedAt: zDateTime().nullable(),
    pending: z.array(z.string()).meta({ description: "Workers still to drain, in order" }),
    current: z
      .object({
        workerId: z.string(),
        drainedAt: zDateTime().meta({ description: "When it was asked to drain" }),
        goneAt: zDateTime()
          .nullable()
          .meta({ description: "When its heartbeat went; then a new worker is waited for" }),
      })
      .nullable()
      .meta({ description: "The worker draining now (one at a time)" }),
    done: z.array(
      z.object({
        workerId: z.string(),
        outcome: z.enum(["replaced", "gone", "timeout"]).meta({
          description:
            "replaced: it exited and a new worker appeared; gone: it exited and none appeared in time; timeout: it did not exit in time",
        }),
        replacedBy: z.string().nullable(),
        seconds: z.number().meta({ description: "From its drain request to the outcome" }),
      }),
    ),
  })
  .meta({ description: "The latest rolling reload of the workers, one by one" });
export type WorkersReload = z.infer<typeof ZWorkersReload>;

/** GET /api/v1/operations. */
export const ZOperationsView = z
  .object({
    at: zDateTime(),
    workers: z.array(
      z.object({
        id: z.string(),
        host: z.string(),
        pid: z.number().int(),
        concurrency: z.number().int(),
        running: z.array(z.string()).meta({ description: "Ids of the runs it runs" }),
        startedAt: zDateTime(),
        lastHeartbeat: zDateTime(),
      }),
    ),
    beat: z
      .object({
        instanceId: z.string(),
        host: z.string(),
        pid: z.number().int(),
        lastHeartbeat: zDateTime(),
      })
      .nullable()
      .meta({ description: "The active beat, or null when none has written a heartbeat recently" }),
    queue: z
      .object({ waiting: z.number().int(), active: z.number().int(), delayed: z.number().int() })
      .nullable()
      .meta({ description: "Jobs in Redis (null when Redis does not answer)" }),
    runs: z
      .record(z.string(), z.number().int())
      .meta({ description: "Runs by status, from MySQL" }),
    perHour: z
      .array(
        z.object({
          hour: zDateTime(),
          succeeded: z.number().int(),
          failed: z.number().int(),
          error: z.number().int(),
          cancelled: z.number().int(),
        }),
      )
      .meta({ description: "Finished runs per hour by outcome, the last 24 hours, oldest first" }),
    intake: ZIntake,
    email: z
      .object({
        enabled: z.boolean().meta({ description: "False without SMTP_URL: no end-of-run mail" }),
        pending: z.number().int().meta({ description: "Mails waiting to be sent (or retried)" }),
        failedLastDay: z
          .number()
          .int()
          .meta({ description: "Mails given up in the last 24 hours" }),
      })
      .meta({ description: "End-of-run e-mail" }),
    failingLists: z
      .array(ZFailingList)
      .meta({ description: "Reference lists whose latest refresh failed, by name (at most 50)" }),
    reload: ZWorkersReload.nullable().meta({
      description: "The latest rolling reload of the workers (kept a day), or null",
    }),
    slurm: ZSlurmQueueView.nullable().meta({
      description:
        "Runport's Slurm jobs (id, run, state, reason, node, elapsed) as the workers last saw them, and whether the Slurm commands answer; null when no worker runs Slurm pipelines",
    }),
  })
  .meta({
    description:
      "Live workers and what they run, the active beat, queue counts in Redis, runs by status in MySQL, finished runs per hour by outcome, the intake switch, the reference lists failing to refresh, and the Slurm queue",
  });
export type OperationsView = z.infer<typeof ZOperationsView>;

/** One deployment check (`npm run doctor`, `GET /api/v1/operations/checks`). */
export const ZDeploymentCheck = z.object({
  name: z.string().meta({
    description:
      "What was checked: database, migrations, redis, pipelines, runs folder, public address, slurm, clocks",
  }),
  status: z.enum(["ok", "warn", "fail"]),
  summary: z.string().meta({ description: "What was found, and for warn and fail what to do" }),
});

export const ZDeploymentChecks = z
  .object({ checks: z.array(ZDeploymentCheck) })
  .meta({ description: "What `npm run doctor` finds, as the web process sees the deployment" });
export type DeploymentChecks = z.infer<typeof ZDeploymentChecks>;
