// runport-admin, the server-side command line (the client `runport` is cli/): `npm run user -- create alice --role submitter`,
// `npm run user -- token alice`, `npm run user -- disable alice`, `npm run setup:db`
// (migrate, register pipelines, seed admin), `npm run recount` (the operations counters).
import { parseArgs } from "node:util";
import { loadEnvConfig } from "@next/env";
import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { USER_ROLES, type UserRole } from "@/lib/roles";
import { normalizeUsername } from "@/lib/username";
import { recordAudit } from "@/server/audit/record-audit";
import { hashPassword } from "@/server/auth/passwords";
import { repairRunCounters } from "@/server/beat/repair-run-counters";
import { createAppContext, type AppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { prepare } from "@/server/setup/prepare";
import type { TokenScope } from "@/server/auth/principal";
import { createApiToken } from "@/server/users/create-api-token";
import { createUser, generatePassword } from "@/server/users/create-user";
import { deleteUser } from "@/server/users/delete-user";
import { revokeUserAccess } from "@/server/users/revoke-user-access";
import { updateUser } from "@/server/users/update-user";
import { describeSetup, setupDatabase } from "./ops/setup-database";

const USAGE = `usage:
  runport-admin setup                                migrate, register pipelines, create the first admin
  runport-admin user create <name> [--role ${USER_ROLES.join("|")}] [--password P] [--email E]
  runport-admin user token <name> [--label L] [--scope events:write]  print a new API token (shown once)
  runport-admin user password <name> [--password P]  set (or generate) a new password
  runport-admin user limit <name> <n|default>        runs of the user that may run at once
  runport-admin user disable <name>                  refuse the user's sign-in, tokens, sessions, live views at once
  runport-admin user enable <name>                   let a disabled user in again (tokens work again)
  runport-admin user role <name> <${USER_ROLES.join("|")}>
  runport-admin user delete <name>                   only a user with no runs, schedules or tokens: else disable
  runport-admin user list
  runport-admin recount                              recount the Operations page's counters now (the beat does it hourly)`;

/** `npm run user` is run by someone with a shell on the server: no administrator needed. */
const COMMAND_LINE = { commandLine: true } as const;

async function user(ctx: AppContext, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: "string" },
      password: { type: "string" },
      email: { type: "string" },
      label: { type: "string" },
      scope: { type: "string" },
    },
  });
  const [action, name] = positionals;
  if (action === "list") {
    const rows = await ctx.db.select().from(users).orderBy(users.username);
    for (const u of rows)
      console.log(
        `${u.username}\t${u.role}${u.maxRunningRuns !== null ? `\tlimit ${u.maxRunningRuns}` : ""}${u.disabledAt ? "\tdisabled" : ""}`,
      );
    return;
  }
  if (!name) throw new Error(USAGE);
  if (action === "create") {
    const role = (values.role ?? "submitter") as UserRole;
    const created = await createUser(ctx, {
      username: name,
      role,
      ...(values.password ? { password: values.password } : {}),
      ...(values.email ? { email: values.email } : {}),
    });
    console.log(
      `created ${role} "${created.username}"${created.generated ? ` with password: ${created.password}` : ""}`,
    );
  } else if (action === "token") {
    const { token } = await createApiToken(ctx, {
      username: name,
      name: values.label ?? "cli",
      ...(values.scope ? { scope: values.scope as TokenScope } : {}),
    });
    console.log(token);
  } else if (action === "disable" || action === "enable") {
    const disabled = action === "disable";
    await updateUser(ctx, { by: COMMAND_LINE, username: name, changes: { disabled } });
    console.log(
      disabled
        ? `"${name}" is disabled: sign-in, API tokens, sessions and live views refused from now on`
        : `"${name}" is enabled`,
    );
  } else if (action === "role") {
    const role = positionals[2] as UserRole;
    if (!USER_ROLES.includes(role)) throw new Error(USAGE);
    await updateUser(ctx, { by: COMMAND_LINE, username: name, changes: { role } });
    console.log(`"${name}" is now ${role}`);
  } else if (action === "delete") {
    await deleteUser(ctx, { by: COMMAND_LINE, username: name });
    console.log(`"${name}" is deleted`);
  } else if (action === "limit") {
    const value = positionals[2];
    const max = value === "default" ? null : Number(value);
    if (max !== null && !(Number.isInteger(max) && max >= 0)) throw new Error(USAGE);
    await updateUser(ctx, { by: COMMAND_LINE, username: name, changes: { maxRunningRuns: max } });
    console.log(
      max === null
        ? `"${name}" follows USER_MAX_RUNNING (${ctx.config.userMaxRunning || "no limit"})`
        : `"${name}" may run ${max === 0 ? "any number of" : max} run(s) at once`,
    );
  } else if (action === "password") {
    const password = values.password ?? generatePassword();
    const passwordHash = await hashPassword(password);
    const userId = await setUserFields(ctx, name, { passwordHash, passwordChangedAt: new Date() });
    await revokeUserAccess(ctx, userId); // the old password's cached credentials, sessions
    await recordAudit(ctx, {
      action: "password.change",
      actor: "cli",
      target: { type: "user", id: normalizeUsername(name) ?? name },
    });
    console.log(values.password ? "password changed" : `new password: ${password}`);
  } else {
    throw new Error(USAGE);
  }
}

async function setUserFields(
  ctx: AppContext,
  name: string,
  set: Partial<typeof users.$inferInsert>,
) {
  const [result] = await ctx.db
    .update(users)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(users.username, name));
  if (result.affectedRows !== 1) throw new Error(`There is no user "${name}"`);
  const [row] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, name));
  return row!.id;
}

async function main(): Promise<void> {
  loadEnvConfig(process.cwd());
  const [command, ...rest] = process.argv.slice(2);
  if (command !== "setup" && command !== "user" && command !== "recount") throw new Error(USAGE);
  if (command === "setup") {
    for (const line of describeSetup(await setupDatabase())) console.log(line);
    return;
  }
  const ctx = createAppContext({ ...loadConfig(), logLevel: "warn" }, "cli");
  try {
    await prepare(ctx);
    if (command === "recount") {
      const { statuses, hours } = await repairRunCounters(ctx);
      console.log(
        `runs by status corrected by ${JSON.stringify(statuses)}; ${hours} hours corrected`,
      );
      return;
    }
    await user(ctx, rest);
  } finally {
    await ctx.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
