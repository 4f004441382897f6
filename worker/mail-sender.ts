import type { Transporter } from "nodemailer";
import type { AppContext } from "@/server/context";
import { createMailTransport } from "@/server/notifications/create-mail-transport";
import { sendDueMail, type SendResult } from "@/server/notifications/send-due-mail";

/** How often a worker looks for mail to send (one indexed query when there is none). */
const POLL_MS = 1000;

export interface MailSender {
  /** One pass now (tests); null without SMTP. */
  pass(now?: Date): Promise<SendResult | null>;
  stop(): Promise<void>;
}

/**
 * The end-of-run mail sender of a worker process: every second it sends the rows the
 * e-mail consumer recorded. Every worker runs one; the claim in sendDueMail makes each
 * mail go out once. Off (no timer) without SMTP_URL.
 */
export function startMailSender(
  ctx: AppContext,
  options: { transport?: Transporter; pollMs?: number } = {},
): MailSender {
  const smtpUrl = ctx.config.mail.smtpUrl;
  const transport = options.transport ?? (smtpUrl ? createMailTransport(smtpUrl) : null);
  let running: Promise<SendResult | null> | null = null;
  const pass = (now?: Date): Promise<SendResult | null> => {
    if (!transport) return Promise.resolve(null);
    running ??= sendDueMail(ctx, transport, now)
      .catch((error: unknown) => {
        ctx.log.error({ err: error }, "mail sender pass failed");
        return null;
      })
      .finally(() => (running = null));
    return running;
  };
  const timer = transport ? setInterval(() => void pass(), options.pollMs ?? POLL_MS) : null;
  return {
    pass,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      if (!options.transport) transport?.close();
    },
  };
}
