import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailNotifications, notificationPreferences, runEvents, runLogs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { transitionRun } from "@/server/lifecycle/transition-run";
import { RunEventFollower } from "@/server/run-events/follow-run-events";
import { createUser } from "@/server/users/create-user";
import { createTestContext } from "@/test/context";
import { principalOf, type Principal } from "@/test/principal";
import { PIPELINE_ROOTS, registerPipelines } from "@/test/pipelines";
import { getRunRow, submit } from "@/test/runs";
import { startBeat } from "@/worker/start-beat";
import { startMailSender } from "@/worker/mail-sender";
import { createMailTransport } from "./create-mail-transport";
import { emailConsumer } from "./email-consumer";
import { getMailStatus } from "./get-mail-status";

interface Received {
  rcptTo: string[];
  mail: ParsedMail;
  at: number;
}

/** A real SMTP server in this process: keeps what it is given. */
async function startSmtp() {
  const received: Received[] = [];
  /** Recipients to refuse with 451 (try again later) before accepting any. */
  const state = { refuse: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.refuse === 0) return callback();
      state.refuse -= 1;
      callback(Object.assign(new Error("mailbox busy, try later"), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const rcptTo = session.envelope.rcptTo.map((r) => r.address).sort();
          received.push({ rcptTo, mail, at: Date.now() });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as { port: number };
  return {
    received,
    state,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: SMTP down. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let ctx: AppContext;
const PUBLIC_URL = "https://runport.example.org";

beforeAll(async () => {
  smtp = await startSmtp();
  const base = createTestContext();
  ctx = createTestContext({
    publicUrl: PUBLIC_URL,
    mail: {
      ...base.config.mail,
      smtpUrl: smtp.url,
      from: "Runport <runport@example.org>",
      digestRuns: 3,
    },
  });
  await base.close();
  await registerPipelines(ctx, [...PIPELINE_ROOTS, path.resolve("test/fixtures/notify-pipelines")]);
});

afterAll(async () => {
  await smtp.close();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

async function userWithEmail(): Promise<Principal & { email: string }> {
  const username = `mail-${randomBytes(4).toString("hex")}`;
  const email = `${username}@example.org`;
  const user = await createUser(ctx, {
    username,
    role: "submitter",
    password: "pw-1234567890",
    email,
  });
  return { ...principalOf(user.id, username, "submitter"), email };
}

/** A run of `pipeline` taken to `status` through the real transitions; returns its id. */
async function endRun(
  principal: Principal,
  status: "succeeded" | "failed" | "cancelled",
  config: Record<string, unknown>,
  options: { name?: string; pipeline?: string; logLines?: number } = {},
): Promise<string> {
  const id = await submit(ctx, principal, options.pipeline ?? "notify-probe", config, {
    hold: true,
    ...(options.name ? { name: options.name } : {}),
  });
  const details = { user: principal.username };
  if (status === "cancelled") {
    await transitionRun(ctx, {
      run: { publicId: id },
      event: "cancel",
      to: "cancelled",
      by: "user",
      details,
    });
    return id;
  }
  await transitionRun(ctx, {
    run: { publicId: id },
    event: "release",
    to: "queued",
    by: "user",
    details,
  });
  await transitionRun(ctx, {
    run: { publicId: id },
    event: "claim",
    to: "running",
    by: "worker",
    details: { host: "test", worker: "test" },
  });
  const run = await getRunRow(ctx, id);
  const lines = Array.from(
    { length: options.logLines ?? 0 },
    (_, i) => `line ${i + 1} <tag> & "quote"\n`,
  ).join("");
  if (lines) {
    await ctx.db.insert(runLogs).values([
      {
        runId: run.id,
        attempt: 1,
        offset: 0,
        length: Buffer.byteLength(lines),
        stream: "stdout",
        content: lines,
      },
    ]);
  }
  await transitionRun(ctx, {
    run: { publicId: id },
    event: "exit",
    to: status,
    by: "worker",
    details: { reason: status === "failed" ? "exit code 3" : "exit code 0" },
    values: {
      exitCode: status === "failed" ? 3 : 0,
      error: null,
      logBytes: Buffer.byteLength(lines),
    },
  });
  return id;
}

const mailsFor = (publicId: string) =>
  smtp.received.filter((r) =>
    String(r.mail.headers.get("x-runport-run") as string | undefined).includes(publicId),
  );

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe("e-mail when a run ends", () => {
  it("mails the submitter and the config's addresses: status, times, link, the last 20 log lines, escaped HTML", async () => {
    const follower = new RunEventFollower(emailConsumer);
    await follower.drain(ctx); // the cursor starts here
    const alice = await userWithEmail();
    const id = await endRun(
      alice,
      "failed",
      { email: "Lab@Example.org, second@example.net", sample: "s1" },
      { name: "<b>sample</b> run", logLines: 30 },
    );
    await follower.drain(ctx);
    const sender = startMailSender(ctx, {
      transport: createMailTransport(smtp.url),
      pollMs: 60_000,
    });
    expect(await sender.pass()).toMatchObject({ sent: 1 });
    await sender.stop();
    const [got, ...more] = mailsFor(id);
    expect(more).toEqual([]);
    expect(got!.rcptTo).toEqual([alice.email, "lab@example.org", "second@example.net"].sort());
    const { mail } = got!;
    expect(mail.from?.text).toBe('"Runport" <runport@example.org>');
    expect(mail.subject).toBe("[Runport] notify-probe run <b>sample</b> run failed");
    const text = mail.text ?? "";
    expect(text).toContain("Status: failed");
    expect(text).toContain("Pipeline: notify-probe 1.0.0");
    expect(text).toContain("Exit code: 3");
    expect(text).toMatch(/Finished: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(text).toContain(`Open the run: ${PUBLIC_URL}/runs/${id}`);
    expect(text).toContain("Last 20 log lines:");
    expect(text).toContain('line 11 <tag> & "quote"');
    expect(text).toContain("line 30 <tag>");
    expect(text).not.toContain("line 10 ");
    const html = mail.html || "";
    expect(html).toContain(`<a href="${PUBLIC_URL}/runs/${id}">Open the run</a>`);
    expect(html).toContain("&lt;b&gt;sample&lt;/b&gt; run");
    expect(html).toContain("line 30 &lt;tag&gt; &amp; &quot;quote&quot;");
    expect(html).not.toContain("<tag>");
    expect(html).not.toContain("line 10 ");
  });

  it("refuses a submission whose notification field holds no addresses, with its pointer", async () => {
    const hank = await userWithEmail();
    for (const email of ["not an address", "a@example.org, b@", 7]) {
      await expect(submit(ctx, hank, "notify-probe", { email })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
        errors: [expect.objectContaining({ path: "/config/email" })],
      });
    }
    expect(await submit(ctx, hank, "notify-probe", { email: "" })).toHaveLength(26);
  });

  it("follows the user's preference and skips a run end nobody asked for", async () => {
    const follower = new RunEventFollower(emailConsumer);
    await follower.drain(ctx);
    const bob = await userWithEmail();
    await ctx.db
      .insert(notificationPreferences)
      .values({ userId: bob.userId, emailStatuses: ["failed"] });
    const onlyConfig = await endRun(bob, "succeeded", { email: "team@example.org" });
    const nobody = await endRun(bob, "succeeded", {}, { pipeline: "noop" });
    await follower.drain(ctx);
    const sender = startMailSender(ctx, {
      transport: createMailTransport(smtp.url),
      pollMs: 60_000,
    });
    expect(await sender.pass()).toMatchObject({ sent: 1, skipped: 1 });
    await sender.stop();
    expect(mailsFor(onlyConfig).map((r) => r.rcptTo)).toEqual([["team@example.org"]]);
    expect(mailsFor(nobody)).toEqual([]);
    const rows = await ctx.db
      .select()
      .from(emailNotifications)
      .where(eq(emailNotifications.userId, bob.userId));
    expect(rows.map((r) => r.state).sort()).toEqual(["sent", "skipped"]);
  });

  it("sends one mail per run end with two followers and three senders at the same time", async () => {
    const first = new RunEventFollower(emailConsumer);
    await first.drain(ctx);
    const second = new RunEventFollower(emailConsumer);
    const carol = await userWithEmail();
    const ids = [await endRun(carol, "succeeded", {}), await endRun(carol, "cancelled", {})];
    await Promise.all([first.drain(ctx), second.drain(ctx), first.drain(ctx)]);
    const senders = [0, 1, 2].map(() =>
      startMailSender(ctx, { transport: createMailTransport(smtp.url), pollMs: 60_000 }),
    );
    const results = await Promise.all(senders.map((s) => s.pass()));
    await Promise.all(senders.map((s) => s.stop()));
    expect(results.reduce((n, r) => n + (r?.sent ?? 0), 0)).toBe(2);
    for (const id of ids) expect(mailsFor(id)).toHaveLength(1);
    const rows = await ctx.db
      .select()
      .from(emailNotifications)
      .where(eq(emailNotifications.userId, carol.userId));
    // Two followers insert at once: the rows' order is theirs, not the runs'.
    expect(rows.map((r) => [r.status, r.state, r.attempts]).sort()).toEqual([
      ["cancelled", "sent", 1],
      ["succeeded", "sent", 1],
    ]);
  });

  it("sends a digest when more than MAIL_DIGEST_RUNS runs of a user end within a minute", async () => {
    const follower = new RunEventFollower(emailConsumer);
    await follower.drain(ctx);
    const dave = await userWithEmail();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push(await endRun(dave, "cancelled", {}, { name: `batch ${i}` }));
    await follower.drain(ctx);
    const sender = startMailSender(ctx, {
      transport: createMailTransport(smtp.url),
      pollMs: 60_000,
    });
    expect(await sender.pass()).toMatchObject({ sent: 4, digests: 1 });
    const digest = smtp.received.filter((r) => r.rcptTo.includes(dave.email));
    expect(digest).toHaveLength(1);
    expect(digest[0]!.mail.subject).toBe("[Runport] 4 runs ended");
    for (const [i, id] of ids.entries()) {
      expect(digest[0]!.mail.text).toContain(`${PUBLIC_URL}/runs/${id}`);
      expect(digest[0]!.mail.text).toContain(`batch ${i}`);
      expect(digest[0]!.mail.html).toContain(`<a href="${PUBLIC_URL}/runs/${id}">batch ${i}</a>`);
    }
    // One more within the minute waits for the minute's end, then goes as its own mail.
    const late = await endRun(dave, "cancelled", {}, { name: "late" });
    await follower.drain(ctx);
    expect(await sender.pass()).toMatchObject({ sent: 0, held: 1 });
    expect(await sender.pass(new Date(Date.now() + 61_000))).toMatchObject({ sent: 1 });
    await sender.stop();
    expect(mailsFor(late).map((r) => r.mail.subject)).toEqual([
      "[Runport] notify-probe run late cancelled",
    ]);
  });

  it("keeps a mail while SMTP is down or answers 451, and sends it once SMTP takes it (nothing lost, nothing twice)", async () => {
    const follower = new RunEventFollower(emailConsumer);
    await follower.drain(ctx);
    const erin = await userWithEmail();
    const id = await endRun(erin, "succeeded", {});
    await follower.drain(ctx);
    const down = startMailSender(ctx, {
      transport: createMailTransport(`smtp://127.0.0.1:${await freePort()}`),
      pollMs: 60_000,
    });
    expect(await down.pass()).toMatchObject({ sent: 0, retrying: 1 });
    expect(await down.pass()).toMatchObject({ sent: 0, retrying: 0 }); // not due yet
    await down.stop();
    const [row] = await ctx.db
      .select()
      .from(emailNotifications)
      .where(eq(emailNotifications.userId, erin.userId));
    expect(row).toMatchObject({ state: "pending", attempts: 1 });
    expect(row!.error).toMatch(/ECONNREFUSED|connect/i);
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
    // Up, but answering 451 (try later): kept again.
    const up = startMailSender(ctx, { transport: createMailTransport(smtp.url), pollMs: 60_000 });
    smtp.state.refuse = 1;
    expect(await up.pass(new Date(Date.now() + 40_000))).toMatchObject({ sent: 0, retrying: 1 });
    expect(smtp.state.refuse).toBe(0);
    expect(await up.pass(new Date(Date.now() + 600_000))).toMatchObject({ sent: 1 });
    expect(await up.pass(new Date(Date.now() + 3600_000))).toMatchObject({ sent: 0 });
    await up.stop();
    expect(mailsFor(id)).toHaveLength(1);
    const [after] = await ctx.db
      .select()
      .from(emailNotifications)
      .where(eq(emailNotifications.userId, erin.userId));
    expect(after).toMatchObject({ state: "sent", attempts: 3 });
  });

  it("records and sends nothing without SMTP_URL", async () => {
    const off = createTestContext({ mail: { ...ctx.config.mail, smtpUrl: undefined } });
    try {
      const follower = new RunEventFollower({ ...emailConsumer, name: "email-off" });
      await follower.drain(off);
      const frank = await userWithEmail();
      await endRun(frank, "succeeded", {});
      expect(await follower.drain(off)).toBeGreaterThan(0);
      const rows = await off.db
        .select()
        .from(emailNotifications)
        .where(eq(emailNotifications.userId, frank.userId));
      expect(rows).toEqual([]);
      const sender = startMailSender(off);
      expect(await sender.pass()).toBeNull();
      // The operations page says so.
      expect(await getMailStatus(off, new Date())).toMatchObject({ enabled: false });
      expect(await getMailStatus(ctx, new Date())).toMatchObject({ enabled: true });
      await sender.stop();
    } finally {
      await off.close();
    }
  });

  it("is fed by the beat and sent by the worker-side sender within seconds (delay figure)", async () => {
    const fast = createTestContext({
      beatIntervalSeconds: 60,
      publicUrl: PUBLIC_URL,
      mail: { ...ctx.config.mail, digestRuns: 100 },
    });
    const beat = startBeat(fast, { runEventConsumers: [emailConsumer] });
    const sender = startMailSender(fast);
    try {
      await beat.tick();
      await beat.drainRunEvents();
      const gina = await userWithEmail();
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        ids.push(await endRun(gina, "succeeded", {}));
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor(() => ids.every((id) => mailsFor(id).length === 1), 15_000);
      for (const id of ids) expect(mailsFor(id)).toHaveLength(1);
      const events = await ctx.db
        .select({ runId: runEvents.runId, createdAt: runEvents.createdAt })
        .from(runEvents)
        .where(inArray(runEvents.toStatus, ["succeeded"]));
      const delays: number[] = [];
      for (const id of ids) {
        const run = await getRunRow(ctx, id);
        const ended = events.find((e) => e.runId === run.id)!.createdAt.getTime();
        delays.push(mailsFor(id)[0]!.at - ended);
      }
      delays.sort((a, b) => a - b);
      const pick = (q: number) =>
        delays[Math.min(delays.length - 1, Math.floor(q * delays.length))];
      console.log(
        `notification delay after a run ends: p50 ${pick(0.5)} ms, p99 ${pick(0.99)} ms (n=${delays.length})`,
      );
    } finally {
      await sender.stop();
      await beat.stop();
      await fast.close();
    }
  });
});
