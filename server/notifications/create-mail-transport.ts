import { createTransport, type Transporter } from "nodemailer";

/**
 * The SMTP connection end-of-run mail goes through (SMTP_URL). Bounded waits: a server that
 * does not answer fails the try (it is tried again later) instead of holding the sender.
 */
export function createMailTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  return createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
    secure: url.protocol === "smtps:",
    ...(url.username
      ? {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }
      : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}
