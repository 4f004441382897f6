/**
 * `runport login URL`: makes an API token with the user's password (POST /api/v1/tokens:
 * the password is sent once and never stored) or takes one (--token), checks it, and stores
 * it in the config file (mode 600). The password comes from a prompt without echo,
 * --password-stdin, or the server's entry in ~/.netrc.
 */
import os from "node:os";
import type { CreatedApiToken } from "../../../lib/contract/account";
import { flag, integer, required, str } from "../args";
import { basic, readNetrc, writeConfig } from "../config";
import type { Context } from "../context";
import { CliError, EXIT } from "../exit-codes";
import { Client } from "../http";
import { prompt, readStdinLine } from "../prompt";

export const LOGIN_OPTIONS = {
  username: { type: "string", short: "u" },
  "password-stdin": { type: "boolean" },
  "token-name": { type: "string" },
  "expires-days": { type: "string" },
} as const;

export async function login(ctx: Context): Promise<void> {
  const url = required(ctx.args, 0, "URL").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/.test(url)) throw new CliError(`not an http(s) URL: ${url}`, EXIT.usage);
  const given = str(ctx.args, "token") ?? process.env.RUNPORT_TOKEN;
  if (given) {
    // Any authenticated read checks the token; the list of the caller's tokens is small.
    await new Client(url, { header: `Bearer ${given}`, source: "--token" }).json("api/v1/tokens");
    const file = writeConfig({ url, token: given });
    return ctx.say(`logged in to ${url}; token stored in ${file}`);
  }
  const netrc = readNetrc(new URL(url).hostname, process.env);
  const username = str(ctx.args, "username") ?? netrc?.login ?? (await prompt("username: ", false));
  const password = flag(ctx.args, "password-stdin")
    ? await readStdinLine()
    : netrc?.login === username && netrc.password
      ? netrc.password
      : await prompt(`password for ${username}: `, true);
  const expiresInDays = integer(ctx.args, "expires-days", 1, 3650);
  const client = new Client(url, { header: basic(username, password), source: "password" });
  const created = await client.json<CreatedApiToken>("api/v1/tokens", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      name: str(ctx.args, "token-name") ?? `runport on ${os.hostname()}`.slice(0, 100),
      ...(expiresInDays ? { expiresInDays } : {}),
    }),
  });
  const file = writeConfig({ url, username, token: created.token, tokenId: created.id });
  ctx.say(`logged in to ${url} as ${username}; token ${created.prefix}… stored in ${file}`);
}
