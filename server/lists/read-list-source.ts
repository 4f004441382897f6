import { isAllowedCommand } from "./check-list-settings";
import { and, isNull, ne } from "drizzle-orm";
import { users, type ListVersionRow, type ReferenceListRow } from "@/db/schema";
import { USERNAME_PLACEHOLDER } from "@/lib/contract/lists";
import type { AppContext } from "../context";
import { ListSourceError } from "./sources/list-source-error";
import { parseValues, type ListEntry } from "./sources/parse-values";
import { readCommandSource } from "./sources/read-command-source";
import { readFileSource } from "./sources/read-file-source";
import { readUrlSource } from "./sources/read-url-source";
import type { SourceText } from "./sources/source-text";

/** A source's values: shared (userId null), or per user for a per-user list. */
export interface ListSnapshot {
  entries: { userId: number | null; entries: ListEntry[] }[];
  etag: string | null;
  lastModified: string | null;
}

type Ctx = Pick<AppContext, "config" | "db">;

async function readText(
  ctx: Ctx,
  list: ReferenceListRow,
  current: ListVersionRow | null,
  argv?: readonly string[],
): Promise<SourceText> {
  const limits = {
    maxBytes: ctx.config.listSourceMaxBytes,
    timeoutMs: ctx.config.listSourceTimeoutMs,
  };
  const { source } = list;
  if (source.kind === "file") {
    return readFileSource(
      source.path,
      [...ctx.config.listFileRoots, ...ctx.config.dataRoots],
      limits,
    );
  }
  if (source.kind === "url") {
    return readUrlSource(source.url, {
      ...limits,
      hosts: ctx.config.listUrlHosts,
      etag: current?.etag ?? null,
      lastModified: current?.lastModified ?? null,
    });
  }
  // Checked again at each refresh: LIST_COMMANDS may have lost the program since it was saved.
  if (!isAllowedCommand(source.argv, ctx.config.listCommands)) {
    throw new ListSourceError(`the program ${source.argv[0] ?? "(none)"} is not in LIST_COMMANDS`);
  }
  return readCommandSource(argv ?? source.argv, { ...limits, env: ctx.config.childEnv });
}

/**
 * Reads a list's source and parses its values. `null`: the source says nothing changed
 * since `current` (HTTP 304). A per-user list runs its command once per enabled user who
 * may submit, with `{username}` replaced by the name (only commands take a username: a
 * per-user file or URL is refused when the list is saved).
 */
export async function readListSource(
  ctx: Ctx,
  list: ReferenceListRow,
  current: ListVersionRow | null,
): Promise<ListSnapshot | null> {
  const { source } = list;
  if (!list.perUser || source.kind !== "command") {
    const read = await readText(ctx, list, current);
    if (read.notModified) return current ? null : failNotModified();
    return {
      entries: [{ userId: null, entries: parseValues(read.text, source.parse) }],
      etag: read.etag,
      lastModified: read.lastModified,
    };
  }
  const people = await ctx.db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(ne(users.role, "viewer"), isNull(users.disabledAt)))
    .orderBy(users.username);
  const entries: ListSnapshot["entries"] = [];
  for (const person of people) {
    const argv = source.argv.map((a) => a.replaceAll(USERNAME_PLACEHOLDER, person.username));
    const read = await readText(ctx, list, current, argv);
    if (read.notModified) continue;
    entries.push({ userId: person.id, entries: parseValues(read.text, source.parse) });
  }
  return { entries, etag: null, lastModified: null };
}

function failNotModified(): never {
  throw new ListSourceError("the URL answered 304 Not Modified to a request without validators");
}
