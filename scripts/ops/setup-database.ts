import { createAppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { prepare } from "@/server/setup/prepare";
import { ensureAdmin } from "@/server/users/ensure-admin";

export interface SetupResult {
  pipelineVersions: number;
  /** The admin created now (password: the generated one, null when ADMIN_PASSWORD was used). */
  admin: { username: string; password: string | null } | null;
}

/** `npm run setup:db` and `npm run up`: create and migrate the database, register the pipelines, seed the first admin. */
export async function setupDatabase(
  env: Record<string, string | undefined> = process.env,
): Promise<SetupResult> {
  const ctx = createAppContext({ ...loadConfig(env), logLevel: "warn" }, "cli");
  try {
    const pipelines = await prepare(ctx);
    const admin = await ensureAdmin(ctx, {
      username: ctx.config.adminUsername,
      ...(ctx.config.adminPassword ? { password: ctx.config.adminPassword } : {}),
    });
    return { pipelineVersions: pipelines.length, admin };
  } finally {
    await ctx.close();
  }
}

export function describeSetup(result: SetupResult): string[] {
  const { admin } = result;
  return [
    `database ready; ${result.pipelineVersions} pipeline version(s) registered`,
    !admin
      ? "an admin exists already"
      : admin.password
        ? `created admin "${admin.username}" with password: ${admin.password}`
        : `created admin "${admin.username}" with the password from ADMIN_PASSWORD`,
  ];
}
