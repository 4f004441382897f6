/** list, status, cancel, retry, release: the runs of the API, as tables or --json. */
import type { RunList, RunView } from "../../../lib/contract/runs";
import { integer, list, runId, str } from "../args";
import type { Context } from "../context";
import { formatDuration, formatTime, progressLine, table } from "../format";

export const LIST_OPTIONS = {
  status: { type: "string", multiple: true },
  pipeline: { type: "string" },
  user: { type: "string" },
  label: { type: "string", multiple: true },
  search: { type: "string", short: "q" },
  limit: { type: "string" },
  cursor: { type: "string" },
} as const;

/** `runport list`: the API's filters; --label k=v becomes the API's key:value. */
export async function listRuns(ctx: Context): Promise<void> {
  const query = new URLSearchParams();
  for (const status of list(ctx.args, "status")) query.append("status", status);
  for (const label of list(ctx.args, "label")) query.append("label", label.replace("=", ":"));
  for (const name of ["pipeline", "user", "cursor"]) {
    const value = str(ctx.args, name);
    if (value !== undefined) query.set(name, value);
  }
  const q = str(ctx.args, "search");
  if (q !== undefined) query.set("q", q);
  const limit = integer(ctx.args, "limit", 1, 200);
  if (limit !== undefined) query.set("limit", String(limit));
  const page = await ctx.client().json<RunList>("api/v1/runs", { query, retry: true });
  if (ctx.json) return ctx.print(page);
  ctx.say(
    table(
      ["ID", "STATUS", "PIPELINE", "NAME", "SUBMITTER", "CREATED (UTC)", "PROGRESS"],
      page.items.map((run) => [
        run.id,
        run.status,
        run.pipeline,
        run.name,
        run.submitter,
        formatTime(run.createdAt),
        run.progress?.percent != null ? `${Math.round(run.progress.percent)}%` : "",
      ]),
    ),
  );
  const total = `${page.totalIsLowerBound ? "more than " : ""}${page.total}`;
  ctx.note(
    `${page.items.length} of ${total} runs${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ""}`,
  );
}

export async function getRun(ctx: Context, id: string): Promise<RunView> {
  return ctx.client().json<RunView>(`api/v1/runs/${id}`, { retry: true });
}

/** `runport status ID`: the run, its attempts and status changes. */
export async function showStatus(ctx: Context): Promise<void> {
  const run = await getRun(ctx, runId(ctx.args));
  if (ctx.json) return ctx.print(run);
  const started = run.startedAt ? Date.parse(run.startedAt) : null;
  const ended = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  const fields: [string, unknown][] = [
    ["id", run.id],
    ["name", run.name],
    ["pipeline", run.pipeline],
    ["status", progressLine(run)],
    ["submitter", run.submitter],
    [
      "labels",
      Object.entries(run.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(" "),
    ],
    ["attempt", `${run.attempt} of ${run.maxAttempts}`],
    ["created", formatTime(run.createdAt)],
    ["duration", started ? formatDuration(ended - started) : ""],
    ["exit code", run.exitCode],
    ["error", run.error],
    ["retry of", run.retryOf],
    ["web", run.links.web],
  ];
  ctx.say(
    table(
      ["FIELD", "VALUE"],
      fields.filter(([, v]) => v !== null && v !== ""),
    )
      .split("\n")
      .slice(1)
      .join("\n"),
  );
  for (const warning of run.warnings) ctx.say(`warning: ${warning.path} ${warning.message}`);
  if (run.events?.length) {
    ctx.say("");
    ctx.say(
      table(
        ["AT (UTC)", "ATTEMPT", "FROM", "TO", "MESSAGE"],
        run.events.map((e) => [
          e.at.replace("T", " ").slice(0, 19),
          e.attempt,
          e.from ?? "",
          e.to,
          e.message,
        ]),
      ),
    );
  }
}

/** `runport cancel|retry|release ID`: one POST, its answer. */
export async function act(ctx: Context, action: "cancel" | "retry" | "release"): Promise<void> {
  const id = runId(ctx.args);
  const answer = await ctx
    .client()
    .json<{ status: string; id?: string }>(`api/v1/runs/${id}/${action}`, { method: "POST" });
  if (ctx.json) return ctx.print(answer);
  if (action === "retry") ctx.say(`${answer.id ?? "?"}\t${answer.status}\t(retry of ${id})`);
  else ctx.say(`${id}\t${answer.status}`);
}
