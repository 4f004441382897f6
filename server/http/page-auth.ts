import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Principal } from "../auth/principal";
import { principalFromSession } from "../auth/session";
import { getAppContext } from "./app-context";

/** The signed-in user of a page request, or null. */
export async function getPagePrincipal(): Promise<Principal | null> {
  const store = await cookies();
  const jar = Object.fromEntries(store.getAll().map((c) => [c.name, c.value]));
  return principalFromSession(getAppContext(), jar);
}

/**
 * Every portal page starts here: the signed-in user, or a redirect to the sign-in page
 * that comes back to the requested path with its query (set by proxy.ts), else `returnTo`.
 */
export async function requirePagePrincipal(returnTo: string): Promise<Principal> {
  const principal = await getPagePrincipal();
  if (!principal) {
    const requested = (await headers()).get("x-runport-path") ?? returnTo;
    redirect(`/signin?callbackUrl=${encodeURIComponent(requested)}`);
  }
  return principal;
}
