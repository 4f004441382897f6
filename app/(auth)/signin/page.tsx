import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getPagePrincipal } from "@/server/http/page-auth";
import { SignInForm } from "./signin-client";
import styles from "./signin.module.css";

export const metadata: Metadata = { title: "Sign in" };

/** Only same-site paths are followed after signing in (no open redirect). */
function safeCallback(value: string | string[] | undefined): string {
  const path = Array.isArray(value) ? value[0] : value;
  return path && path.startsWith("/") && !path.startsWith("//") && !path.includes("\\")
    ? path
    : "/runs";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const callbackUrl = safeCallback((await searchParams).callbackUrl);
  if (await getPagePrincipal()) redirect(callbackUrl);
  return (
    <main className={styles.page}>
      <div className={`card ${styles.card}`}>
        <h1>Sign in to Runport</h1>
        <p className="muted">Submit pipeline runs and follow them.</p>
        <SignInForm callbackUrl={callbackUrl} />
        <p className={`muted ${styles.hint}`}>
          No account? Ask an administrator (<code>npm run user -- create NAME</code>). Scripts use
          an API token from the Account page.
        </p>
      </div>
    </main>
  );
}
