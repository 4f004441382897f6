import { eq } from "drizzle-orm";
import { isIP } from "node:net";
import { webhookEndpoints } from "@/db/schema";
import {
  ZCreateWebhookRequest,
  type CreatedWebhook,
  type TCreateWebhookRequest,
} from "@/lib/contract/webhooks";
import type { Principal } from "../auth/principal";
import { requireSubmitter } from "../auth/require-role";
import { recordAudit } from "../audit/record-audit";
import type { AppContext } from "../context";
import { AppError, parseWith } from "../errors";
import { isAllowedHost, isPrivateAddress } from "./check-target";
import { auditedUrl, toWebhookView } from "./webhook-view";
import { encryptWebhookSecret, generateWebhookSecret } from "./webhook-secret";

/** Endpoints one user may have. */
export const MAX_WEBHOOKS_PER_USER = 20;

const urlProblem = (message: string) =>
  new AppError("VALIDATION_FAILED", `url ${message}`, { errors: [{ path: "/url", message }] });

/**
 * The target as far as it can be checked without resolving it: http(s), no credentials,
 * not a loopback or private address literal or `localhost` (unless on WEBHOOK_ALLOWED_HOSTS).
 * Names are resolved and checked again at every delivery (check-target.ts).
 */
export function checkWebhookUrl(text: string, allowedHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw urlProblem("must be an absolute http or https URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw urlProblem("must be an http or https URL");
  }
  if (url.username || url.password) throw urlProblem("must not carry a user name or password");
  if (isAllowedHost(url, allowedHosts)) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    (isIP(host) && isPrivateAddress(host))
  ) {
    throw urlProblem(
      `names a loopback or private address (${host}); an administrator can allow it with WEBHOOK_ALLOWED_HOSTS`,
    );
  }
  return url;
}

/**
 * Creates a webhook endpoint for the caller and returns it with its signing secret: the
 * only time the secret is shown. 422 for a bad URL (pointer /url) or field; 403 for
 * `allUsers` by a non-administrator or a role that cannot submit; 409 over the limit.
 */
export async function createWebhook(
  ctx: Pick<AppContext, "db" | "log" | "config">,
  options: { principal: Principal; ip?: string } & TCreateWebhookRequest,
): Promise<CreatedWebhook> {
  const { principal, ip, ...body } = options;
  requireSubmitter(principal);
  const input = parseWith(ZCreateWebhookRequest, body);
  const url = checkWebhookUrl(input.url, ctx.config.webhooks.allowedHosts);
  if (input.allUsers && principal.role !== "admin") {
    throw new AppError("FORBIDDEN", "Only an administrator can subscribe to everyone's runs");
  }
  const existing = await ctx.db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.userId, principal.userId));
  if (existing.length >= MAX_WEBHOOKS_PER_USER) {
    throw new AppError("CONFLICT", `You have ${MAX_WEBHOOKS_PER_USER} webhooks: delete one first`);
  }
  const secret = generateWebhookSecret();
  const row = {
    userId: principal.userId,
    url: url.toString(),
    description: input.description,
    secretCipher: encryptWebhookSecret(ctx.config.authSecret, secret),
    events: [...new Set(input.events)],
    pipelines: input.pipelines ? [...new Set(input.pipelines)] : null,
    allUsers: input.allUsers,
    createdAt: new Date(),
  };
  const [result] = await ctx.db.insert(webhookEndpoints).values(row);
  const view = toWebhookView({
    ...row,
    id: result.insertId,
    disabledAt: null,
    disabledReason: null,
  });
  await recordAudit(ctx, {
    action: "webhook.create",
    actor: principal,
    ip: ip ?? null,
    target: { type: "user", id: principal.username },
    details: {
      webhook: view.id,
      url: auditedUrl(view.url),
      events: view.events,
      allUsers: view.allUsers,
    },
  });
  return { ...view, secret };
}
