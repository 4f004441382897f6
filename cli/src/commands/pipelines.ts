/** `runport pipelines` and `runport template PIPELINE -o file.xlsx`. */
import { createWriteStream } from "node:fs";
import { rename } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline as pipe } from "node:stream/promises";
import type { PipelineSummary } from "../../../lib/contract/pipelines";
import { flag, required, str } from "../args";
import type { Context } from "../context";
import { CliError, EXIT } from "../exit-codes";
import { table } from "../format";

export const TEMPLATE_OPTIONS = {
  output: { type: "string", short: "o" },
  version: { type: "string" },
  example: { type: "boolean" },
} as const;

export async function listPipelines(ctx: Context): Promise<void> {
  const { items } = await ctx.client().json<{ items: PipelineSummary[] }>("api/v1/pipelines", {
    retry: true,
  });
  if (ctx.json) return ctx.print({ items });
  ctx.say(
    table(
      ["NAME", "LATEST", "VERSIONS", "TITLE"],
      items.map((p) => [
        p.name,
        p.latest ?? "",
        p.versions.map((v) => v.version).join(","),
        p.title,
      ]),
    ),
  );
}

/** The pipeline's spreadsheet template; PIPELINE may be name@version. */
export async function template(ctx: Context): Promise<void> {
  const [name = "", atVersion] = required(ctx.args, 0, "PIPELINE").split("@");
  const version = str(ctx.args, "version") ?? atVersion;
  const output = str(ctx.args, "output") ?? `${name}${version ? `-${version}` : ""}.xlsx`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    throw new CliError(`not a pipeline name: ${name}`, EXIT.usage);
  const query = new URLSearchParams();
  if (version) query.set("version", version);
  if (flag(ctx.args, "example")) query.set("example", "true");
  const response = await ctx
    .client()
    .request(`api/v1/pipelines/${encodeURIComponent(name)}/template.xlsx`, { query, retry: true });
  const partial = `${output}.part`;
  await pipe(Readable.fromWeb(response.body as never), createWriteStream(partial));
  await rename(partial, output);
  if (ctx.json) ctx.print({ file: output });
  else ctx.say(`wrote ${output}`);
}
