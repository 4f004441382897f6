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

/**
 * The error text of a sign-in that could not be checked: MySQL or Redis did not answer. It
 * replaces the driver's message, which next-auth would put in the page's URL (SQL text and
 * the username) and the form would call a wrong password.
 */
export const SIGN_IN_UNAVAILABLE = "Unavailable";

/** The error text of any other failure of the check (logged on the server). */
export const SIGN_IN_FAILED = "SignInFailed";
