import { loadEnvConfig } from "@next/env";
import { z } from "zod";
import { ZEnv } from "@/server/env";

// The settings the scripts need, read and checked as the app reads them: the environment,
// else .env (and .env.local, .env.production...) through @next/env, else the app's defaults.
const ZSettings = ZEnv.pick({
  DATABASE_URL: true,
  REDIS_URL: true,
  ADMIN_USERNAME: true,
  ADMIN_PASSWORD: true,
  RUNS_DIR: true,
}).extend({ PORT: z.coerce.number().int().min(1).max(65535).default(3000) });

export type Settings = z.infer<typeof ZSettings>;

/**
 * The settings, and what .env itself says (up saves the URLs there when they differ).
 * Reads the files again on every call: `npm run up` creates and edits .env on the way.
 */
export function readSettings(root: string) {
  const { loadedEnvFiles } = loadEnvConfig(root, false, console, true);
  // An empty variable counts as unset, as in the shell.
  const source = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ""));
  const parsed = ZSettings.safeParse(source);
  if (!parsed.success) throw new Error(`Invalid settings:\n${z.prettifyError(parsed.error)}`);
  const envFile: Record<string, string | undefined> =
    loadedEnvFiles.find((f) => f.path === ".env")?.env ?? {};
  return { settings: parsed.data, envFile };
}
