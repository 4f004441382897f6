import { cookies } from "next/headers";
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

/** Every portal page starts here: the signed-in user, or a redirect to the sign-in page. */
export async function requirePagePrincipal(returnTo: string): Promise<Principal> {
  const principal = await getPagePrincipal();
  if (!principal) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return principal;
}
