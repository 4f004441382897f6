/**
 * `runport outputs ID [--get PATH]... [--all] [-o DIR]`: the files a run left, and their
 * download. Each download is hashed as it is written to DIR/PATH.part and renamed to
 * DIR/PATH only when its SHA-256 is the one the server recorded (exit 7 otherwise).
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { OutputList, OutputView } from "../../../lib/contract/outputs";
import { flag, integer, list, runId, str } from "../args";
import type { Context } from "../context";
import { CliError, EXIT, type ExitCode } from "../exit-codes";
import { formatBytes, formatTime, table } from "../format";
import { reason } from "../http";

export const OUTPUTS_OPTIONS = {
  get: { type: "string", multiple: true },
  all: { type: "boolean" },
  output: { type: "string", short: "o" },
  attempt: { type: "string" },
} as const;

/** Where PATH goes under DIR; a path that would leave DIR (`..`, absolute) is refused. */
export function targetPath(dir: string, relative: string): string {
  const parts = relative.split("/");
  if (relative.startsWith("/") || parts.some((p) => p === ".." || p === "." || p === "")) {
    throw new CliError(`refusing to write outside ${dir}: ${relative}`, EXIT.refused);
  }
  return path.join(dir, ...parts);
}

async function download(ctx: Context, output: OutputView, dir: string): Promise<string> {
  if (!output.stored || !output.download) {
    throw new CliError(
      `${output.path} was not stored (over the server's limits): only its size and SHA-256 are known`,
      EXIT.refused,
    );
  }
  const target = targetPath(dir, output.path);
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.part`;
  const response = await ctx.client().request(output.download.replace(/^\//, ""), {
    retry: true,
    timeoutMs: 0,
  });
  const hash = createHash("sha256");
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as never), tee, createWriteStream(partial));
  } catch (error) {
    await rm(partial, { force: true });
    throw new CliError(`${output.path}: the download broke off (${reason(error)})`, EXIT.network);
  }
  const sha256 = hash.digest("hex");
  if (sha256 !== output.sha256) {
    await rm(partial, { force: true });
    throw new CliError(
      `${output.path}: SHA-256 ${sha256} differs from the recorded ${output.sha256}; nothing kept`,
      EXIT.checksum,
    );
  }
  await rename(partial, target);
  return target;
}

export async function outputs(ctx: Context): Promise<ExitCode> {
  const id = runId(ctx.args);
  const query = new URLSearchParams();
  const attempt = integer(ctx.args, "attempt", 1, 1_000_000);
  if (attempt !== undefined) query.set("attempt", String(attempt));
  const { items } = await ctx.client().json<OutputList>(`api/v1/runs/${id}/outputs`, {
    query,
    retry: true,
  });
  // Newest attempt first: the first of a path is its latest.
  const latest = items.filter((item) => item.attempt === items[0]?.attempt);
  const wanted = list(ctx.args, "get");
  const picked = flag(ctx.args, "all")
    ? latest.filter((item) => item.stored)
    : wanted.map((want) => {
        const found = latest.find((item) => item.path === want.replace(/^\.\//, ""));
        if (!found) throw new CliError(`${id} has no output ${want}`, EXIT.refused);
        return found;
      });
  if (picked.length === 0) {
    if (ctx.json) ctx.print({ items });
    else {
      ctx.say(
        table(
          ["PATH", "ATTEMPT", "SIZE", "SHA-256", "STORED", "CREATED (UTC)"],
          items.map((o) => [
            o.path,
            o.attempt,
            formatBytes(o.size),
            o.sha256,
            o.stored ? "yes" : "no",
            formatTime(o.createdAt),
          ]),
        ),
      );
    }
    return EXIT.ok;
  }
  const dir = path.resolve(str(ctx.args, "output") ?? ".");
  const saved = [];
  for (const output of picked) {
    const file = await download(ctx, output, dir);
    saved.push({ path: output.path, file, size: output.size, sha256: output.sha256 });
    if (!ctx.json) ctx.say(`${file}\t${formatBytes(output.size)}\tsha256 ${output.sha256} ok`);
  }
  if (ctx.json) ctx.print({ items: saved });
  return EXIT.ok;
}
