import type { ReactNode } from "react";
import { PortalNav } from "@/components/ui/portal-nav";
import { requirePagePrincipal } from "@/server/http/page-auth";

/** Every signed-in page: the navigation bar and the page. Without a session → /signin. */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const principal = await requirePagePrincipal("/runs");
  return (
    <>
      <PortalNav username={principal.username} role={principal.role} />
      {children}
    </>
  );
}
