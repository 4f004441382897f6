import type { Metadata } from "next";
import Link from "next/link";
import { getAppContext } from "@/server/http/app-context";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { listUsers } from "@/server/users/list-users";
import { UsersClient } from "./users-client";

export const metadata: Metadata = { title: "Users" };

/** The users page (admins): create, disable or enable, change the role, delete. */
export default async function UsersPage() {
  const principal = await requirePagePrincipal("/users");
  if (principal.role !== "admin") {
    return (
      <main>
        <h1>Users</h1>
        <div className="card">
          <p>This page is for administrators: who may sign in, and with which role.</p>
          <Link href="/runs">Back to the runs</Link>
        </div>
      </main>
    );
  }
  const { items } = await listUsers(getAppContext(), { principal });
  return <UsersClient initial={items} self={principal.username} />;
}
