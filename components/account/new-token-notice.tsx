"use client";

import { useEffect, useRef } from "react";
import type { CreatedApiToken } from "@/lib/contract/account";
import { CopyButton } from "@/components/ui/copy-button";
import { FormField } from "@/components/ui/form-field";
import styles from "./account.module.css";

interface Props {
  created: CreatedApiToken;
  username: string;
  /** Where the API is, e.g. https://runport.example (no trailing slash). */
  origin: string;
  onDone: () => void;
}

/** The token just created, shown this once, with a curl command that uses it. */
export function NewTokenNotice({ created, username, origin, onDone }: Props) {
  const box = useRef<HTMLElement>(null);
  // Move focus here so that keyboard and screen-reader users land on the token.
  useEffect(() => box.current?.focus(), [created.id]);
  const curl = `curl --user ${username}:${created.token} ${origin}/api/v1/runs`;
  return (
    <section ref={box} tabIndex={-1} className={styles.newToken} aria-labelledby="new-token-title">
      <h3 id="new-token-title" className={styles.newTokenTitle}>
        Copy your new token “{created.name}” now
      </h3>
      <p className={styles.warning}>
        <strong>It will not be shown again.</strong> Keep it where your scripts read secrets, not in
        the script itself. If you lose it, revoke it and create another.
      </p>
      <FormField id="new-token-value" label="Token">
        <div className={styles.copyRow}>
          <input
            id="new-token-value"
            className={styles.secret}
            readOnly
            value={created.token}
            spellCheck={false}
            onFocus={(event) => event.currentTarget.select()}
          />
          <CopyButton text={created.token} label="token" />
        </div>
      </FormField>
      <div className="field">
        <span id="new-token-curl-label" className={styles.label}>
          Try it: list your runs with curl
        </span>
        <div className={styles.copyRow}>
          <pre
            id="new-token-curl"
            className={styles.command}
            aria-labelledby="new-token-curl-label"
          >
            {curl}
          </pre>
          <CopyButton text={curl} label="curl command" />
        </div>
        <p className={`muted ${styles.hint}`}>
          Use the token as the password of HTTP Basic (as here), or send{" "}
          <code>Authorization: Bearer &lt;token&gt;</code>.{" "}
          {created.expiresAt
            ? `It expires on ${created.expiresAt.slice(0, 10)}.`
            : "It never expires: revoke it when it is no longer needed."}
        </p>
      </div>
      <div>
        <button type="button" className="btn btn-primary" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}
