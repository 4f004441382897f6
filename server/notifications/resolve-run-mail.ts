import { desc, eq, inArray } from "drizzle-orm";
import {
  emailNotifications,
  notificationPreferences,
  pipelines,
  runLogs,
  runs,
  users,
} from "@/db/schema";
import { neutraliseControls } from "@/lib/logs/log-text";
import {
  DEFAULT_NOTIFY_STATUSES,
  parseAddressList,
  valueAtPointer,
  type EndStatus,
} from "@/lib/notify-statuses";
import type { AppContext } from "../context";
import type { RunMailFacts } from "./compose-run-mail";

/** Log lines a failure's mail shows, and how much log is read to find them. */
export const LOG_LINES = 20;
const LOG_CHUNKS = 8;
const LOG_LINE_CHARS = 500;

export interface ResolvedMail {
  id: number;
  userId: number;
  digest: boolean;
  /** Who gets it, sorted; empty: nobody asked for this end (the row is skipped). */
  recipients: string[];
  facts: RunMailFacts;
}

type Ctx = Pick<AppContext, "db" | "config" | "log">;

/** The value at a JSON Pointer of a config text, or undefined. */
function valueAt(configText: string, pointer: string): unknown {
  try {
    return valueAtPointer(JSON.parse(configText), pointer);
  } catch {
    return undefined;
  }
}

/** The last LOG_LINES lines of a run's log, controls neutralised, long lines cut. */
async function lastLogLines(ctx: Ctx, runId: number): Promise<string[]> {
  const chunks = await ctx.db
    .select({ content: runLogs.content })
    .from(runLogs)
    .where(eq(runLogs.runId, runId))
    .orderBy(desc(runLogs.offset))
    .limit(LOG_CHUNKS);
  const text = chunks
    .reverse()
    .map((c) => c.content)
    .join("");
  const lines = text.replace(/\n$/, "").split("\n");
  return lines
    .slice(-LOG_LINES)
    .filter((line, i, all) => all.length > 1 || line.length > 0)
    .map((line) => neutraliseControls(line).slice(0, LOG_LINE_CHARS));
}

/**
 * Who is mailed about each row and what the mail says. The submitter, when they have an
 * address and this end is among their statuses (their preference, else the pipeline's
 * `notify.statuses`, else the default); the config's notification field's addresses when
 * the pipeline declares one and this end is among the pipeline's statuses.
 */
export async function resolveRunMail(ctx: Ctx, ids: readonly number[]): Promise<ResolvedMail[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({
      id: emailNotifications.id,
      userId: emailNotifications.userId,
      status: emailNotifications.status,
      digest: emailNotifications.digest,
      stored: emailNotifications.recipients,
      run: runs,
      definition: pipelines.definition,
      email: users.email,
      disabledAt: users.disabledAt,
      preference: notificationPreferences.emailStatuses,
    })
    .from(emailNotifications)
    .innerJoin(runs, eq(runs.id, emailNotifications.runId))
    .innerJoin(pipelines, eq(pipelines.id, runs.pipelineId))
    .innerJoin(users, eq(users.id, emailNotifications.userId))
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(inArray(emailNotifications.id, [...ids]));
  const publicUrl = ctx.config.publicUrl?.replace(/\/+$/, "");
  const resolved: ResolvedMail[] = [];
  for (const row of rows) {
    const status = row.status;
    const notify = row.definition.notify;
    const pipelineStatuses: readonly string[] = notify?.statuses ?? DEFAULT_NOTIFY_STATUSES;
    const userStatuses: readonly string[] = row.preference ?? pipelineStatuses;
    let recipients: string[];
    if (row.stored !== null) {
      recipients = row.stored === "" ? [] : row.stored.split(",");
    } else {
      const found = new Set<string>();
      if (row.email && !row.disabledAt && userStatuses.includes(status))
        found.add(row.email.toLowerCase());
      if (notify?.emailField && pipelineStatuses.includes(status)) {
        const value = valueAt(row.run.config, notify.emailField);
        const list = value === undefined ? [] : parseAddressList(value);
        if (list === null)
          ctx.log.warn(
            { run: row.run.publicId },
            "the config's notification field has no valid addresses",
          );
        for (const address of list ?? []) found.add(address);
      }
      recipients = [...found].sort();
    }
    const failure: readonly EndStatus[] = ["failed", "error"];
    resolved.push({
      id: row.id,
      userId: row.userId,
      digest: row.digest,
      recipients,
      facts: {
        publicId: row.run.publicId,
        runName: row.run.name,
        pipelineName: row.run.pipelineName,
        pipelineVersion: row.run.pipelineVersion,
        status,
        createdAt: row.run.createdAt,
        startedAt: row.run.startedAt,
        finishedAt: row.run.finishedAt,
        exitCode: row.run.exitCode,
        error: row.run.error,
        logLines:
          recipients.length > 0 && failure.includes(status)
            ? await lastLogLines(ctx, row.run.id)
            : [],
        link: publicUrl ? `${publicUrl}/runs/${row.run.publicId}` : null,
      },
    });
  }
  return resolved;
}
