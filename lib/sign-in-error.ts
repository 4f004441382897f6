/**
 * How the sign-in endpoint tells the form that a password was refused unchecked (too
 * many failures): next-auth passes the message of an error thrown by `authorize` to the
 * form as its `error` text, so the wait travels in it.
 */
const PREFIX = "TooManyAttempts:";

export function tooManyAttemptsError(retryAfterSeconds: number): string {
  return `${PREFIX}${retryAfterSeconds}`;
}

/** The seconds to wait named by a sign-in error, or null for any other error. */
export function retryAfterOfSignInError(error: string | null | undefined): number | null {
  if (!error?.startsWith(PREFIX)) return null;
  const seconds = Number(error.slice(PREFIX.length));
  return Number.isInteger(seconds) && seconds > 0 ? seconds : null;
}

/** "2 minutes", "1 minute", "45 seconds": a wait in words, for the sign-in form. */
export function describeWait(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
