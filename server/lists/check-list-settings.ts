import type { TListSource } from "@/lib/contract/lists";
import { AppError } from "../errors";
import { checkCronExpression, checkTimeZone } from "../schedules/cron";
import { isAllowedHost } from "./sources/read-url-source";

function refuse(path: string, message: string): never {
  throw new AppError("VALIDATION_FAILED", `The list is not valid: ${path} ${message}`, {
    errors: [{ path, message }],
  });
}

/**
 * What zod cannot know: the cron expression and time zone, a URL's host against
 * LIST_URL_HOSTS and a command's program against LIST_COMMANDS (refused when saved, not
 * only at refresh), and per-user lists only with a command that takes `{username}`.
 * Returns the normalized cron expression.
 */
export function checkListSettings(
  settings: { source: TListSource; cron: string; timeZone: string; perUser: boolean },
  config: { listUrlHosts: readonly string[]; listCommands: readonly string[] },
): string {
  const { source } = settings;
  if (source.kind === "url" && !isAllowedHost(new URL(source.url), config.listUrlHosts)) {
    refuse(
      "/source/url",
      `names the host ${new URL(source.url).host}, which is not in LIST_URL_HOSTS`,
    );
  }
  if (source.kind === "command" && !isAllowedCommand(source.argv, config.listCommands)) {
    refuse("/source/argv/0", `runs ${source.argv[0] ?? "nothing"}, which is not in LIST_COMMANDS`);
  }
  if (
    settings.perUser &&
    (source.kind !== "command" || !source.argv.some((a) => a.includes("{username}")))
  ) {
    refuse("/perUser", "needs a command source with {username} in its argv");
  }
  const cron = checkCronExpression(settings.cron);
  checkTimeZone(settings.timeZone);
  return cron;
}

/** Whether a command's program is one the operator allowed (LIST_COMMANDS), as written. */
export function isAllowedCommand(argv: readonly string[], allowed: readonly string[]): boolean {
  const program = argv[0];
  return program !== undefined && allowed.includes(program);
}
