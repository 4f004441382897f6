import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/safe-return-path";
import { getPagePrincipal } from "@/server/http/page-auth";
import { SignInForm } from "./signin-client";
import styles from "./signin.module.css";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = (await searchParams).callbackUrl;
  const callbackUrl = safeReturnPath(Array.isArray(raw) ? raw[0] : raw);
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
