import { and, asc, count, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Transporter } from "nodemailer";
import { emailNotifications } from "@/db/schema";
import type { AppContext } from "../context";
import { composeDigest, composeRunMail, type MailContent } from "./compose-run-mail";
import { isSafeToRetry, markLostSends, retryDelayMs } from "./mail-retry-policy";
import { resolveRunMail, type ResolvedMail } from "./resolve-run-mail";

/** Rows looked at per pass. */
const BATCH = 100;
/** A mail that could not be sent for this long is given up. */
const GIVE_UP_MS = 24 * 3600_000;

export interface SendResult {
  sent: number;
  digests: number;
  held: number;
  skipped: number;
  retrying: number;
  failed: number;
}

type Ctx = Pick<AppContext, "db" | "config" | "log">;

/**
 * One pass of the sender: mails each due row once. A row is claimed (pending → sending,
 * a conditional UPDATE) before its mail is sent, so that two senders never both send it.
 * More than MAIL_DIGEST_RUNS ends of one user (same recipients) within a minute go out as
 * one digest: at once when they are due together, else the rows past the limit wait for
 * the end of the minute and go together.
 */
export async function sendDueMail(
  ctx: Ctx,
  transport: Transporter,
  now = new Date(),
): Promise<SendResult> {
  const result: SendResult = { sent: 0, digests: 0, held: 0, skipped: 0, retrying: 0, failed: 0 };
  result.failed += await markLostSends(ctx, now);
  const due = await ctx.db
    .select({ id: emailNotifications.id })
    .from(emailNotifications)
    .where(and(eq(emailNotifications.state, "pending"), lte(emailNotifications.nextAttemptAt, now)))
    .orderBy(asc(emailNotifications.id))
    .limit(BATCH);
  const mails = await resolveRunMail(
    ctx,
    due.map((d) => d.id),
  );
  const groups = new Map<string, ResolvedMail[]>();
  for (const mail of mails.sort((a, b) => a.id - b.id)) {
    if (mail.recipients.length === 0) {
      await setState(ctx, [mail.id], "pending", { state: "skipped", recipients: "" });
      result.skipped += 1;
      continue;
    }
    const key = `${mail.userId} ${mail.recipients.join(",")}`;
    groups.set(key, [...(groups.get(key) ?? []), mail]);
  }
  for (const group of groups.values()) await sendGroup(ctx, transport, group, now, result);
  return result;
}

async function sendGroup(
  ctx: Ctx,
  transport: Transporter,
  group: ResolvedMail[],
  now: Date,
  result: SendResult,
): Promise<void> {
  const { digestRuns, digestWindowMs } = ctx.config.mail;
  const recipients = group[0]!.recipients.join(",");
  if (group.length > digestRuns || group.some((m) => m.digest)) {
    // The held rows of the same user and recipients that are not due yet go along.
    const more = await ctx.db
      .select({ id: emailNotifications.id })
      .from(emailNotifications)
      .where(
        and(
          eq(emailNotifications.userId, group[0]!.userId),
          eq(emailNotifications.recipients, recipients),
          eq(emailNotifications.state, "pending"),
          eq(emailNotifications.digest, true),
          gt(emailNotifications.nextAttemptAt, now),
        ),
      );
    group.push(
      ...(await resolveRunMail(
        ctx,
        more.map((m) => m.id),
      )),
    );
    const claimed = await claim(ctx, group, now, recipients);
    if (claimed.length === 0) return;
    const content =
      claimed.length === 1
        ? composeRunMail(claimed[0]!.facts)
        : composeDigest(claimed.map((m) => m.facts));
    await deliver(ctx, transport, claimed, content, now, result);
    return;
  }
  const [recent] = await ctx.db
    .select({ n: count() })
    .from(emailNotifications)
    .where(
      and(
        eq(emailNotifications.userId, group[0]!.userId),
        eq(emailNotifications.recipients, recipients),
        eq(emailNotifications.state, "sent"),
        gt(emailNotifications.sentAt, new Date(now.getTime() - digestWindowMs)),
      ),
    );
  const allowed = Math.max(0, digestRuns - Number(recent?.n ?? 0));
  const hold = group.slice(allowed);
  if (hold.length > 0) {
    // Past the limit: these wait for the minute's end and go out as one digest.
    await ctx.db
      .update(emailNotifications)
      .set({ digest: true, recipients, nextAttemptAt: new Date(now.getTime() + digestWindowMs) })
      .where(
        and(
          inArray(
            emailNotifications.id,
            hold.map((m) => m.id),
          ),
          eq(emailNotifications.state, "pending"),
        ),
      );
    result.held += hold.length;
  }
  for (const mail of group.slice(0, allowed)) {
    const claimed = await claim(ctx, [mail], now, recipients);
    if (claimed.length > 0)
      await deliver(ctx, transport, claimed, composeRunMail(mail.facts), now, result);
  }
}

/** pending → sending, one row at a time: what this sender won (another may win the rest). */
async function claim(
  ctx: Ctx,
  mails: readonly ResolvedMail[],
  now: Date,
  recipients: string,
): Promise<ResolvedMail[]> {
  const won: ResolvedMail[] = [];
  for (const mail of mails) {
    const [header] = await ctx.db
      .update(emailNotifications)
      .set({
        state: "sending",
        claimedAt: now,
        recipients,
        attempts: sql`${emailNotifications.attempts} + 1`,
      })
      .where(and(eq(emailNotifications.id, mail.id), eq(emailNotifications.state, "pending")));
    if (header.affectedRows === 1) won.push(mail);
  }
  return won;
}

async function deliver(
  ctx: Ctx,
  transport: Transporter,
  mails: readonly ResolvedMail[],
  content: MailContent,
  now: Date,
  result: SendResult,
): Promise<void> {
  const ids = mails.map((m) => m.id);
  const first = mails[0]!;
  try {
    await transport.sendMail({
      from: ctx.config.mail.from,
      to: first.recipients,
      subject: content.subject,
      text: content.text,
      html: content.html,
      // Stable per row: a receiving system can tell a copy from a new mail.
      messageId: `<runport-notification-${first.id}-${ids.length}@runport>`,
      headers: { "X-Runport-Run": mails.map((m) => m.facts.publicId).join(", ") },
    });
    await setState(ctx, ids, "sending", { state: "sent", sentAt: new Date(), error: null });
    result.sent += ids.length;
    if (ids.length > 1) result.digests += 1;
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 1000) : "send failed";
    const stale =
      now.getTime() -
        Math.min(...mails.map((m) => m.facts.finishedAt?.getTime() ?? now.getTime())) >
      GIVE_UP_MS;
    if (isSafeToRetry(error) && !stale) {
      // attempts was counted by the claim: the first failure waits 30 s.
      const attempts = await ctx.db
        .select({ attempts: emailNotifications.attempts })
        .from(emailNotifications)
        .where(eq(emailNotifications.id, first.id));
      const delay = retryDelayMs(attempts[0]?.attempts ?? 1);
      await setState(ctx, ids, "sending", {
        state: "pending",
        error: message,
        nextAttemptAt: new Date(now.getTime() + delay),
      });
      result.retrying += ids.length;
      ctx.log.warn({ err: error, rows: ids, retryInMs: delay }, "mail not sent; trying again");
    } else {
      await setState(ctx, ids, "sending", { state: "failed", error: message });
      result.failed += ids.length;
      ctx.log.error({ err: error, rows: ids }, "mail not sent; given up");
    }
  }
}

async function setState(
  ctx: Ctx,
  ids: readonly number[],
  from: "pending" | "sending",
  set: Partial<typeof emailNotifications.$inferInsert>,
): Promise<void> {
  await ctx.db
    .update(emailNotifications)
    .set(set)
    .where(and(inArray(emailNotifications.id, [...ids]), eq(emailNotifications.state, from)));
}
