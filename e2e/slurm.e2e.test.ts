// Issue 13 end to end: fastq-qc on a real Slurm (a cluster of this file's own, test/slurm.ts)
// through the built web, worker and beat, submitted from the browser, the old portal's curl
// command (hpcAccount → --account) and a schedule; and the two faults that need the real
// processes: kill -9 of the worker process while its job runs, slurmctld stopped for 30 s.
import { execFile, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAttempts, runs } from "@/db/schema";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { DEMO_HPC_ACCOUNTS } from "@/server/lists/ensure-default-lists";
import { createUser } from "@/server/users/create-user";
import { launchBrowser } from "@/test/chromium";
import { createTestResources, type TestResources } from "@/test/resources";
import { slurmMissing, startTestSlurm, type TestSlurm } from "@/test/slurm";
import { startStack, type Stack } from "@/test/stack";
import { setEditorText } from "./support/browser";
import { fastqFacts } from "./support/fastq-facts";
import { until } from "./support/until";

const exec = promisify(execFile);
const missing = slurmMissing();
if (missing) console.warn(missing);

const PASSWORD = "slurm-e2e-password-1";
const ADMIN_PASSWORD = "slurm-e2e-admin-1";
const auth = `Basic ${Buffer.from(`sam:${PASSWORD}`).toString("base64")}`;
const adminAuth = `Basic ${Buffer.from(`ada:${ADMIN_PASSWORD}`).toString("base64")}`;
const ENDED = ["succeeded", "failed", "error", "cancelled"];

let slurm: TestSlurm;
let resources: TestResources;
let stack: Stack;
let ctx: AppContext;
let pipelinesDir: string;
let browser: Browser | undefined;
/** The schedule made first: its fire (the next minute) is checked last. */
let scheduled: Promise<string>;

/** fastq-qc as shipped, with `executor: slurm` and `hpcAccount` as the job's --account. */
function fastqQcOnSlurm(dir: string): void {
  const target = path.join(dir, "fastq-qc");
  cpSync(path.resolve("pipelines/fastq-qc"), target, { recursive: true });
  const file = path.join(target, "pipeline.json");
  const definition = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  definition.executor = "slurm";
  // hpcAccount is tied to the hpc-accounts list in the schema: the only values a run may charge.
  definition.slurm = { cpus: 1, runOptions: { account: { property: "hpcAccount" } } };
  writeFileSync(file, JSON.stringify(definition, null, 2));
}

async function api(method: string, url: string, body?: unknown, as = auth) {
  const response = await fetch(`${stack.baseUrl}${url}`, {
    method,
    headers: { Authorization: as, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

type RunView = {
  id: string;
  status: string;
  exitCode: number | null;
  attempt: number;
  error: string | null;
  attempts: { attempt: number }[];
  events: { to: string; message: string | null }[];
};

const getRun = async (id: string) => (await api("GET", `/api/v1/runs/${id}`)).body as RunView;

const ended = (id: string, ms = 60_000) =>
  until(`run ${id} to end`, ms, async () => {
    const run = await getRun(id);
    return ENDED.includes(run.status) ? run : undefined;
  });

async function logOf(id: string): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/api/v1/runs/${id}/logs`, {
    headers: { Authorization: auth },
  });
  return response.text();
}

/** The attempt's Slurm job id, as the worker recorded it. */
async function jobIdOf(publicId: string, attempt = 1): Promise<string> {
  return until(`run ${publicId}'s Slurm job`, 30_000, async () => {
    const rows = await ctx.db
      .select({ jobId: runAttempts.slurmJobId, attempt: runAttempts.attempt })
      .from(runAttempts)
      .innerJoin(runs, eq(runs.id, runAttempts.runId))
      .where(eq(runs.publicId, publicId));
    return rows.find((row) => row.attempt === attempt)?.jobId ?? undefined;
  });
}

/** `scontrol show job` of this file's cluster, as key → value. */
function showJob(jobId: string): Record<string, string> {
  const result = spawnSync("scontrol", ["show", "job", jobId], {
    env: { ...process.env, ...slurm.env },
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  return Object.fromEntries(
    result.stdout
      .split(/\s+/)
      .filter((word) => word.includes("="))
      .map((word) => [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)]),
  );
}

/** qc.json of a run's first attempt checked against the FASTQ files, read independently. */
function expectRightNumbers(runId: string, dir: string): void {
  const example = JSON.parse(readFileSync(path.join(dir, "example.json"), "utf8")) as {
    dataFiles: { fastqPath: string }[];
  };
  const report = JSON.parse(
    readFileSync(path.join(stack.runsDir, runId, "attempt-1", "outputs", "qc.json"), "utf8"),
  ) as {
    files: { fastqPath: string; reads: number; bases: number }[];
    totals: { reads: number; bases: number; files: number };
  };
  let reads = 0;
  let bases = 0;
  for (const entry of example.dataFiles) {
    const facts = fastqFacts(path.join(dir, entry.fastqPath));
    expect(report.files.find((f) => f.fastqPath === entry.fastqPath)).toMatchObject({
      reads: facts.reads,
      bases: facts.bases,
    });
    reads += facts.reads;
    bases += facts.bases;
  }
  expect(report.totals).toMatchObject({ reads, bases, files: example.dataFiles.length });
}

const exampleText = () => readFileSync(path.join(pipelinesDir, "fastq-qc", "example.json"), "utf8");

beforeAll(async () => {
  if (missing) return;
  slurm = await startTestSlurm();
  resources = await createTestResources();
  pipelinesDir = mkdtempSync(path.join(tmpdir(), "runport-slurm-e2e-pipelines-"));
  fastqQcOnSlurm(pipelinesDir);
  stack = await startStack({
    ...resources,
    adminPassword: "slurm-e2e-first-admin-1",
    logDir: path.resolve("test-results/slurm"),
    env: {
      PIPELINES_PATH: [pipelinesDir, path.resolve("test/fixtures/slurm-pipelines")].join(":"),
      ...slurm.env,
      SLURM_POLL_SECONDS: "0.5",
      // A run slot each for the browser's, curl's and the schedule's runs and the faults'.
      WORKER_CONCURRENCY: "4",
    },
  });
  ctx = createAppContext({ ...loadConfig(stack.env), logLevel: "warn" }, "test");
  await createUser(ctx, { username: "sam", role: "submitter", password: PASSWORD });
  await createUser(ctx, { username: "ada", role: "admin", password: ADMIN_PASSWORD });
  // With SLURM_CONF and sacctmgr here, hpc-accounts starts as each user's associations; this
  // cluster keeps no accounting (sacctmgr has nothing): the site's list is the shipped CSV.
  const patched = await api(
    "PATCH",
    "/api/v1/lists/hpc-accounts",
    {
      perUser: false,
      source: {
        kind: "file",
        path: DEMO_HPC_ACCOUNTS,
        parse: { format: "csv", valueColumn: "account", labelColumn: "description", header: true },
      },
    },
    adminAuth,
  );
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  const refreshed = await api("POST", "/api/v1/lists/hpc-accounts/refresh", {}, adminAuth);
  expect(refreshed.body.outcome, JSON.stringify(refreshed.body)).toBe("stored");
  // The schedule first: it fires at the next minute boundary, checked by the last test.
  const config = { ...JSON.parse(exampleText()), hpcAccount: "lab-00003" } as object;
  const created = await api("POST", "/api/v1/schedules", {
    name: "fastq-qc on Slurm every minute",
    pipeline: "fastq-qc@latest",
    config,
    cron: "* * * * *",
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const schedule = created.body as { id: string };
  // Once it has fired, it goes: one run of it, whatever the tests' length.
  scheduled = until("the schedule's run", 120_000, async () => {
    const answer = await api("GET", `/api/v1/runs?label=schedule:${schedule.id}`);
    return ((answer.body as { items?: { id: string }[] }).items ?? []).at(-1)?.id;
  }).then(async (id) => {
    expect((await api("DELETE", `/api/v1/schedules/${schedule.id}`)).status).toBe(204);
    return id;
  });
  scheduled.catch(() => undefined); // awaited by the last test
}, 180_000);

afterAll(async () => {
  if (missing) return;
  await browser?.close();
  await ctx?.close();
  await stack?.stop();
  await resources?.remove();
  await slurm?.stop();
  if (pipelinesDir) rmSync(pipelinesDir, { recursive: true, force: true });
});

describe.skipIf(missing)("fastq-qc on a real Slurm, end to end", () => {
  /** The run whose worker is killed: taken up ~15-25 s later, checked after two tests. */
  let killed: { id: string; jobId: string } | undefined;

  it("kill -9 of the worker process during a run: the job runs on in Slurm", async () => {
    const submitted = await api("POST", "/api/v1/runs", {
      pipeline: "slurm-probe",
      config: { ticks: 25, sleepSeconds: 5 },
    });
    expect(submitted.status).toBe(201);
    const { id } = submitted.body as { id: string };
    const jobId = await jobIdOf(id);
    await until("tick 2 in the log", 30_000, async () =>
      /tick 2\b/.test(await logOf(id)) ? true : undefined,
    );
    const worker = stack.processes.worker!;
    worker.kill("SIGKILL"); // the worker process only: the job is slurmd's, not its child
    await new Promise((resolve) => worker.once("exit", resolve));
    expect(showJob(jobId).JobState).toBe("RUNNING");
    // As PM2 restarts it. It takes the run up once the dead worker's heartbeat has expired
    // (15 s): the next two tests run meanwhile, on this new worker.
    stack.startWorker();
    killed = { id, jobId };
  });

  it("from the browser: submitted on the New run page, the run page shows its Slurm job, then the report", async () => {
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: stack.baseUrl,
    });
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/signin`);
    await page.fill("#username", "sam");
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(/\/runs/);
    await page.goto(`${stack.baseUrl}/new?pipeline=fastq-qc`);
    // The config pasted as JSON (the Form tab is a new user's default).
    await page.getByRole("tab", { name: "JSON" }).click();
    await setEditorText(page, exampleText());
    await expect
      .poll(() => page.getByRole("status").last().textContent(), { timeout: 15_000 })
      .toContain("Valid for fastq-qc@1.0.0");
    await page.getByRole("button", { name: /Submit run/ }).click();
    await page.waitForURL(/\/runs\/[0-9a-z]{26}$/);
    const id = page.url().split("/").at(-1)!;
    const jobId = await jobIdOf(id);
    // The live log says where it runs: the job and its Slurm states.
    await expect
      .poll(() => page.getByRole("log").textContent(), { timeout: 30_000 })
      .toContain(`submitted to Slurm as job ${jobId}`);
    await expect
      .poll(() => page.locator("h1").textContent(), { timeout: 60_000 })
      .toContain("Succeeded");
    const log = (await page.getByRole("log").textContent()) ?? "";
    // No Slurm state line is asserted: a job of 1.3 s may start and end between two polls
    // of 1 s, so the watcher may see none (the job's id above says where it ran).
    expect(log).toContain("exited with code 0");
    expect(showJob(jobId)).toMatchObject({ JobState: "COMPLETED", Account: "lab-00001" });
    expectRightNumbers(id, path.join(pipelinesDir, "fastq-qc"));
    // The report on the run page: reads per sample as the FASTQ files hold them.
    const example = JSON.parse(exampleText()) as {
      dataFiles: { fastqPath: string; sampleName: string }[];
    };
    const perSample = new Map<string, number>();
    for (const entry of example.dataFiles) {
      const file = path.join(pipelinesDir, "fastq-qc", entry.fastqPath);
      perSample.set(
        entry.sampleName,
        (perSample.get(entry.sampleName) ?? 0) + fastqFacts(file).reads,
      );
    }
    const readsChart = page.locator("figure", {
      has: page.locator('[data-chart="Reads per sample"]'),
    });
    // The chart's table fallback (hidden behind the chart, read by screen readers).
    await readsChart.locator("tbody tr").first().waitFor({ state: "attached", timeout: 20_000 });
    const rows = await readsChart.locator("tbody tr").allTextContents();
    expect(rows).toEqual(
      [...perSample].map(([sample, reads]): unknown =>
        expect.stringContaining(`${sample}${reads}`),
      ),
    );
    await context.close();
  });

  it("from the old portal's curl command: hpcAccount becomes the job's --account", async () => {
    const dir = path.join(pipelinesDir, "fastq-qc");
    const config = { ...JSON.parse(exampleText()), hpcAccount: "lab-00002" } as object;
    writeFileSync(path.join(dir, "curl-run.json"), JSON.stringify(config));
    // As the old portal's users type it (Content-type as they spell it).
    const { stdout } = await exec(
      "curl",
      [
        "--silent",
        "--request",
        "POST",
        "--user",
        `sam:${PASSWORD}`,
        "--header",
        "Content-type: application/json",
        "-d",
        "@curl-run.json",
        `${stack.baseUrl}/api/v1/new-run/`,
      ],
      { cwd: dir },
    );
    const submitted = JSON.parse(stdout) as { id: string; status: string };
    expect(submitted.status).toBe("queued");
    const run = await ended(submitted.id);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0, attempt: 1 });
    const jobId = await jobIdOf(submitted.id);
    // Slurm's own records: the job and, once it ended, the jobcomp log (accounting is off here:
    // sbatch takes any --account as given, so Runport's list is what limits it).
    expect(showJob(jobId)).toMatchObject({
      JobName: `runport-${submitted.id}-1`,
      Account: "lab-00002",
      JobState: "COMPLETED",
      Requeue: "0",
    });
    const completion = readFileSync(path.join(slurm.dir, "jobcomp.log"), "utf8")
      .split("\n")
      .find((line) => line.startsWith(`JobId=${jobId} `));
    expect(completion).toMatch(/ Account=lab-00002 /);
    expectRightNumbers(submitted.id, dir);

    // A value the list does not hold never reaches sbatch: 422 with its pointer.
    const refused = await api("POST", "/api/v1/new-run/", { ...config, hpcAccount: "other-lab" });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain("/hpcAccount");
  });

  it("kill -9 of the worker process: the new worker records the run once, its log whole", async () => {
    const { id, jobId } = killed!;
    const run = await ended(id, 60_000);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0, attempt: 1 });
    expect(run.attempts).toHaveLength(1);
    expect(run.events.filter((e) => e.to === "succeeded")).toHaveLength(1);
    const log = await logOf(id);
    for (let tick = 1; tick <= 25; tick++)
      expect(log.match(new RegExp(`^tick ${tick}$`, "gm")), `tick ${tick}`).toHaveLength(1);
    expect(showJob(jobId).JobState).toBe("COMPLETED");
  });

  it("slurmctld stopped for 30 s: nothing is lost, runs submitted meanwhile go to Slurm once it is back", async () => {
    // One job ends while slurmctld is away, one runs across it, one is submitted meanwhile.
    const start = async (config: Record<string, unknown>) => {
      const response = await api("POST", "/api/v1/runs", { pipeline: "slurm-probe", config });
      expect(response.status).toBe(201);
      return (response.body as { id: string }).id;
    };
    const short = await start({ ticks: 5, sleepSeconds: 6 });
    const long = await start({ ticks: 40, sleepSeconds: 30 });
    for (const id of [short, long])
      await until(`run ${id} RUNNING in Slurm`, 30_000, async () =>
        showJob(await jobIdOf(id)).JobState === "RUNNING" ? true : undefined,
      );
    await slurm.stopController();
    const stoppedAt = Date.now();
    let during: string;
    try {
      during = await start({ ticks: 2 });
      // The job that ends meanwhile: its exit-code file decides, with Slurm away.
      expect(await ended(short, 25_000)).toMatchObject({ status: "succeeded", exitCode: 0 });
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - stoppedAt))),
      );
      expect((await getRun(long)).status).toBe("running");
      expect((await getRun(during)).status).toBe("running");
    } finally {
      await slurm.startController();
    }
    for (const id of [long, during]) {
      const run = await ended(id, 60_000);
      expect(run, id).toMatchObject({ status: "succeeded", exitCode: 0, attempt: 1 });
      expect(run.events.filter((e) => e.to === "succeeded")).toHaveLength(1);
    }
    expect(await logOf(during)).toMatch(/Slurm does not answer .*; submitting again/);
    const log = await logOf(long);
    for (let tick = 1; tick <= 40; tick++)
      expect(log.match(new RegExp(`^tick ${tick}$`, "gm")), `tick ${tick}`).toHaveLength(1);
  });

  it("from a schedule: the beat's fire runs on Slurm", async () => {
    const id = await scheduled;
    const run = await ended(id);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0 });
    const jobId = await jobIdOf(id);
    expect(showJob(jobId)).toMatchObject({ JobState: "COMPLETED", Account: "lab-00003" });
    expectRightNumbers(id, path.join(pipelinesDir, "fastq-qc"));
  });
});
