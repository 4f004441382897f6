"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import styles from "./portal-nav.module.css";

const LINKS = [
  { href: "/runs", label: "Runs" },
  { href: "/new", label: "New run" },
  { href: "/pipelines", label: "Pipelines" },
  { href: "/schedules", label: "Schedules" },
  { href: "/operations", label: "Operations", adminOnly: true },
  { href: "/apidocs", label: "API" },
];

/** The top bar: sections, the signed-in user, sign out. */
export function PortalNav({ username, role }: { username: string; role: string }) {
  const pathname = usePathname();
  const router = useRouter();
  return (
    <header className={styles.bar}>
      <nav className={styles.inner} aria-label="Main">
        <Link href="/runs" className={styles.brand}>
          Runport
        </Link>
        <ul className={styles.links}>
          {LINKS.filter((link) => !link.adminOnly || role === "admin").map((link) => {
            const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
            return (
              <li key={link.href}>
                <Link
                  href={link.href}
                  className={active ? styles.active : undefined}
                  aria-current={active ? "page" : undefined}
                >
                  {link.label}
                </Link>
              </li>
            );
          })}
        </ul>
        <div className={styles.user}>
          <Link href="/account" className={pathname === "/account" ? styles.active : undefined}>
            {username}
          </Link>
          <span className={styles.role}>{role}</span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              // No redirect from next-auth: it would build the URL from its own idea of the host.
              void signOut({ redirect: false }).then(() => {
                router.replace("/signin");
                router.refresh();
              })
            }
          >
            Sign out
          </button>
        </div>
      </nav>
    </header>
  );
}
