import { SIGN_IN_FAILED, SIGN_IN_UNAVAILABLE } from "@/lib/sign-in-error";
import type { AppContext } from "../context";
import { isUnavailable } from "../errors";

/**
 * What the sign-in form's `authorize` throws when the password could not be checked:
 * next-auth hands an error's message to the browser (in the URL), so never the driver's.
 */
export function signInFailure(ctx: Pick<AppContext, "log">, error: unknown): Error {
  if (isUnavailable(error)) return new Error(SIGN_IN_UNAVAILABLE);
  ctx.log.error({ err: error }, "sign-in check failed");
  return new Error(SIGN_IN_FAILED);
}
