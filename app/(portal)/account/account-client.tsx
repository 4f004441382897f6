"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import { callApi, messageOf } from "@/components/ui/api-client";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { NotificationSettingsForm } from "@/components/account/notification-settings-form";
import { CreateTokenForm } from "@/components/account/create-token-form";
import { NewTokenNotice } from "@/components/account/new-token-notice";
import { RevokeDialog } from "@/components/account/revoke-dialog";
import { TokenTable } from "@/components/account/token-table";
import type {
  ApiTokenList,
  ApiTokenView,
  CreatedApiToken,
  NotificationSettings,
} from "@/lib/contract/account";
import styles from "./account.module.css";

interface Props {
  username: string;
  role: string;
  roleSummary: string;
  initialTokens: ApiTokenView[];
  /** PUBLIC_URL when configured; otherwise the page's own origin is used in examples. */
  publicUrl: string | null;
  minPasswordLength: number;
  notifications: NotificationSettings;
  /** More sections below the tokens (webhooks). */
  children?: ReactNode;
}

/** The account page: profile, API tokens (create, shown once, revoke) and password. */
export function AccountClient(props: Props) {
  const { username, role, roleSummary, publicUrl, minPasswordLength } = props;
  const [tokens, setTokens] = useState(props.initialTokens);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const tokensHeading = useRef<HTMLHeadingElement>(null);
  const revokeButton = useRef<HTMLElement | null>(null);
  // Where focus goes once the revoke dialog has closed (while it is open, the page is inert).
  const focusAfterDialog = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (revoking || !focusAfterDialog.current) return;
    focusAfterDialog.current.focus();
    focusAfterDialog.current = null;
  }, [revoking]);

  async function refresh() {
    try {
      const list = await callApi<ApiTokenList>("GET", "/api/v1/tokens");
      if (list) setTokens(list.items);
    } catch (error) {
      setNotice({ ok: false, text: `The list could not be refreshed: ${messageOf(error)}` });
    }
  }

  function startRevoke(token: ApiTokenView) {
    revokeButton.current = document.activeElement as HTMLElement | null;
    setRevoking(token);
  }

  function endRevoke(revoked: boolean) {
    const token = revoking;
    setRevoking(null);
    if (!revoked || !token) {
      focusAfterDialog.current = revokeButton.current;
      return;
    }
    focusAfterDialog.current = tokensHeading.current;
    if (created?.id === token.id) setCreated(null);
    setNotice({ ok: true, text: `Token “${token.name}” revoked: it no longer works.` });
    void refresh();
  }

  const origin = (
    publicUrl ?? (typeof window === "undefined" ? "" : window.location.origin)
  ).replace(/\/+$/, "");

  return (
    <main>
      <div className="page-header">
        <div>
          <h1>Account</h1>
          <p className="muted">Your API tokens and your password.</p>
        </div>
      </div>
      <div className={styles.layout}>
        <section className={`card ${styles.tokens}`} aria-labelledby="tokens-title">
          <h2 id="tokens-title" ref={tokensHeading} tabIndex={-1} className={styles.cardTitle}>
            API tokens
          </h2>
          <p className={`muted ${styles.intro}`}>
            A token lets scripts, cron jobs and <code>curl</code> use the API as you without your
            password: use it as the password of HTTP Basic or as a bearer token. Give each script
            its own token, so that you can revoke one without breaking the others.
          </p>
          <CreateTokenForm
            onCreated={(token) => {
              setCreated(token);
              setNotice(null);
              void refresh();
            }}
          />
          {created ? (
            <NewTokenNotice
              created={created}
              username={username}
              origin={origin}
              onDone={() => {
                setCreated(null);
                tokensHeading.current?.focus();
              }}
            />
          ) : null}
          <div role="status" className={styles.notice}>
            {notice ? (
              <div className={`alert ${notice.ok ? "alert-ok" : "alert-error"}`}>{notice.text}</div>
            ) : null}
          </div>
          {tokens.length === 0 ? (
            <div className={styles.empty}>
              <h3>No API tokens yet</h3>
              <p className="muted">
                Create one above to submit runs or read them from a script, for example{" "}
                <code>curl --user {username}:&lt;token&gt; …/api/v1/runs</code>. The token is shown
                once; only its first characters are kept to recognise it here.
              </p>
            </div>
          ) : (
            <TokenTable tokens={tokens} highlightId={created?.id ?? null} onRevoke={startRevoke} />
          )}
        </section>
        <div className={styles.side}>
          <section className="card" aria-labelledby="profile-title">
            <h2 id="profile-title" className={styles.cardTitle}>
              Profile
            </h2>
            <dl className={styles.profile}>
              <dt>Username</dt>
              <dd>{username}</dd>
              <dt>Role</dt>
              <dd>
                <strong>{role}</strong>
                <div className="muted">{roleSummary}</div>
              </dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="password-title">
            <h2 id="password-title" className={styles.cardTitle}>
              Change password
            </h2>
            <ChangePasswordForm username={username} minLength={minPasswordLength} />
          </section>
          <section className="card" aria-labelledby="notifications-title">
            <h2 id="notifications-title" className={styles.cardTitle}>
              Notifications
            </h2>
            <NotificationSettingsForm initial={props.notifications} />
          </section>
        </div>
      </div>
      {props.children}
      {revoking ? <RevokeDialog token={revoking} onClose={endRevoke} /> : null}
    </main>
  );
}
