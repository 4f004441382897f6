"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { safeReturnPath } from "@/lib/safe-return-path";
import {
  describeWait,
  retryAfterOfSignInError,
  SIGN_IN_FAILED,
  SIGN_IN_UNAVAILABLE,
} from "@/lib/sign-in-error";
import { FormField } from "@/components/ui/form-field";

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** What the form says when next-auth refuses: a wait when the limits refused (429). */
function signInErrorSentence(error: string | null | undefined): string {
  const wait = retryAfterOfSignInError(error);
  if (wait !== null) {
    return `Too many sign-in attempts: try again in ${describeWait(wait)}.`;
  }
  if (error === SIGN_IN_UNAVAILABLE)
    return "Runport cannot reach its database at the moment: try again in a few seconds.";
  if (error === SIGN_IN_FAILED) return "Something went wrong on our side: try again.";
  return "Wrong username or password.";
}

/** Username and password, checked by next-auth's credentials provider. */
export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signIn("credentials", {
      username: text(form, "username"),
      password: text(form, "password"),
      redirect: false,
    });
    setBusy(false);
    if (!result || result.error) {
      setError(signInErrorSentence(result?.error));
      return;
    }
    router.replace(safeReturnPath(callbackUrl));
    router.refresh();
  }

  return (
    <form
      onSubmit={(e) => void onSubmit(e)}
      className="stack"
      aria-describedby={error ? "signin-error" : undefined}
    >
      {error ? (
        <div id="signin-error" role="alert" className="alert alert-error">
          {error}
        </div>
      ) : null}
      <FormField id="username" label="Username">
        <input id="username" name="username" autoComplete="username" required autoFocus />
      </FormField>
      <FormField id="password" label="Password">
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
      </FormField>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
