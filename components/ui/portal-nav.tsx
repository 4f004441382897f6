"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState, type KeyboardEvent, type MouseEvent } from "react";
import styles from "./portal-nav.module.css";

const ADMIN = ["admin"];
/** Each link with the roles that see it (all roles when none are named). */
const LINKS: { href: string; label: string; roles?: string[] }[] = [
  { href: "/runs", label: "Runs" },
  { href: "/new", label: "New run" },
  { href: "/pipelines", label: "Pipelines" },
  { href: "/schedules", label: "Schedules" },
  { href: "/events", label: "Events", roles: ["admin", "operator"] },
  { href: "/operations", label: "Operations", roles: ADMIN },
  { href: "/lists", label: "Lists", roles: ADMIN },
  { href: "/audit", label: "Audit", roles: ADMIN },
  { href: "/users", label: "Users", roles: ADMIN },
  { href: "/apidocs", label: "API" },
];

/**
 * The top bar: sections, the signed-in user, sign out. On a narrow screen they fold behind a
 * Menu button (a disclosure: Escape closes it and gives the focus back to the button).
 */
export function PortalNav({ username, role }: { username: string; role: string }) {
  const pathname = usePathname();
  const router = useRouter();
  // The page the menu was opened on: following any link (to another page) closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.key !== "Escape" || !open) return;
    setOpenOn(null);
    document.getElementById("portal-menu-button")?.focus();
  }
  function onClick(event: MouseEvent<HTMLElement>) {
    // A link to the page already shown changes no path; close the menu all the same.
    if ((event.target as Element).closest("a")) setOpenOn(null);
  }

  return (
    <header className={styles.bar}>
      <nav className={styles.inner} aria-label="Main" onKeyDown={onKeyDown}>
        <Link href="/runs" className={styles.brand}>
          Runport
        </Link>
        <button
          type="button"
          id="portal-menu-button"
          className={styles.toggle}
          aria-expanded={open}
          aria-controls="portal-menu"
          onClick={() => setOpenOn(open ? null : pathname)}
        >
          <span className={styles.burger} aria-hidden="true" />
          Menu
        </button>
        <div
          id="portal-menu"
          className={open ? `${styles.menu} ${styles.open}` : styles.menu}
          onClick={onClick}
        >
          <ul className={styles.links}>
            {LINKS.filter((link) => !link.roles || link.roles.includes(role)).map((link) => {
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
        </div>
      </nav>
    </header>
  );
}
