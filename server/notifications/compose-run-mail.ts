/** What a run-end mail tells about one run. */
export interface RunMailFacts {
  publicId: string;
  runName: string | null;
  pipelineName: string;
  pipelineVersion: string;
  status: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  exitCode: number | null;
  error: string | null;
  /** The last lines of the log (failures only). */
  logLines: readonly string[];
  /** The run's page (PUBLIC_URL + /runs/<id>), or null without PUBLIC_URL. */
  link: string | null;
}

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Everything that goes into the HTML body goes through this. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** No header injection: a subject is one line. */
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, " ").slice(0, 200);
const time = (d: Date | null) =>
  d ? d.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "-";
const title = (run: RunMailFacts) => run.runName ?? run.publicId;

function factRows(run: RunMailFacts): [string, string][] {
  return [
    ["Status", run.status],
    ["Pipeline", `${run.pipelineName} ${run.pipelineVersion}`],
    ["Run", run.publicId],
    ["Submitted", time(run.createdAt)],
    ["Started", time(run.startedAt)],
    ["Finished", time(run.finishedAt)],
    ...(run.exitCode === null ? [] : [["Exit code", String(run.exitCode)] as [string, string]]),
    ...(run.error ? [["Error", run.error] as [string, string]] : []),
  ];
}

/** The mail about one run's end: plain text and HTML with the same facts. */
export function composeRunMail(run: RunMailFacts): MailContent {
  const subject = oneLine(`[Runport] ${run.pipelineName} run ${title(run)} ${run.status}`);
  const rows = factRows(run);
  const text = [
    `Your ${run.pipelineName} run ${title(run)} ended: ${run.status}.`,
    "",
    ...rows.map(([k, v]) => `${k}: ${v}`),
    ...(run.link ? ["", `Open the run: ${run.link}`] : []),
    ...(run.logLines.length > 0
      ? ["", `Last ${run.logLines.length} log lines:`, ...run.logLines.map((l) => `  ${l}`)]
      : []),
    "",
  ].join("\n");
  const html = [
    "<!doctype html><html><body>",
    `<p>Your ${escapeHtml(run.pipelineName)} run <b>${escapeHtml(title(run))}</b> ended: <b>${escapeHtml(run.status)}</b>.</p>`,
    "<table>",
    ...rows.map(
      ([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`,
    ),
    "</table>",
    ...(run.link ? [`<p><a href="${escapeHtml(run.link)}">Open the run</a></p>`] : []),
    ...(run.logLines.length > 0
      ? [
          `<p>Last ${run.logLines.length} log lines:</p>`,
          `<pre>${escapeHtml(run.logLines.join("\n"))}</pre>`,
        ]
      : []),
    "</body></html>",
  ].join("\n");
  return { subject, text, html };
}

/** One mail listing several run ends of one user (more than MAIL_DIGEST_RUNS in a minute). */
export function composeDigest(list: readonly RunMailFacts[]): MailContent {
  const subject = `[Runport] ${list.length} runs ended`;
  const line = (r: RunMailFacts) =>
    `${r.status.padEnd(9)} ${r.pipelineName} ${title(r)} (${time(r.finishedAt)})`;
  const text = [
    `${list.length} of your runs ended:`,
    "",
    ...list.map((r) => `${line(r)}${r.link ? `\n          ${r.link}` : ""}`),
    "",
  ].join("\n");
  const html = [
    "<!doctype html><html><body>",
    `<p>${list.length} of your runs ended:</p>`,
    "<table>",
    ...list.map((r) => {
      const name = r.link
        ? `<a href="${escapeHtml(r.link)}">${escapeHtml(title(r))}</a>`
        : escapeHtml(title(r));
      return `<tr><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.pipelineName)}</td><td>${name}</td><td>${escapeHtml(time(r.finishedAt))}</td></tr>`;
    }),
    "</table>",
    "</body></html>",
  ].join("\n");
  return { subject, text, html };
}
