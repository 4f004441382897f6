import type { Metadata } from "next";
import type { UserRole } from "@/lib/roles";
import { MIN_PASSWORD_LENGTH } from "@/server/auth/passwords";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { getNotificationSettings } from "@/server/notifications/get-notification-settings";
import { listApiTokens } from "@/server/users/list-api-tokens";
import { listWebhooks } from "@/server/webhooks/list-webhooks";
import { WebhooksPanel } from "@/components/account/webhooks-panel";
import { AccountClient } from "./account-client";

export const metadata: Metadata = { title: "Account" };

const ROLE_SUMMARY: Record<UserRole, string> = {
  admin: "Submits runs and sees and manages everybody's runs.",
  operator: "Submits runs and sees, cancels, releases and retries everybody's runs.",
  submitter: "Submits runs, and sees and cancels your own.",
  viewer: "Sees every run, but cannot submit or cancel. Tokens let you read runs from scripts.",
};

/** The account page: profile, API tokens and password; the client leaf calls the REST API. */
export default async function AccountPage() {
  const principal = await requirePagePrincipal("/account");
  const app = getAppContext();
  const [{ items }, notifications, webhooks] = await Promise.all([
    listApiTokens(app, { principal }),
    getNotificationSettings(app, { principal }),
    listWebhooks(app, { principal }),
  ]);
  return (
    <AccountClient
      username={principal.username}
      role={principal.role}
      roleSummary={ROLE_SUMMARY[principal.role]}
      initialTokens={items}
      publicUrl={app.config.publicUrl ?? null}
      minPasswordLength={MIN_PASSWORD_LENGTH}
      notifications={notifications}
    >
      <WebhooksPanel initial={webhooks.items} />
    </AccountClient>
  );
}
