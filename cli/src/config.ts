/**
 * Where the client finds its server and credential: --url / RUNPORT_URL / the config file
 * ($XDG_CONFIG_HOME/runport/config.json, mode 600, written by `runport login`), and
 * --token / RUNPORT_TOKEN / the config's token / ~/.netrc (machine = the server's host).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CliError, EXIT } from "./exit-codes";
import type { Credential } from "./http";

export interface StoredConfig {
  url: string;
  username?: string;
  token: string;
  tokenId?: number;
}

type Env = Record<string, string | undefined>;

export function configPath(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), ".config");
  return path.join(base, "runport", "config.json");
}

export function readConfig(env: Env = process.env): StoredConfig | null {
  const file = configPath(env);
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<StoredConfig>;
    if (typeof parsed.url !== "string" || typeof parsed.token !== "string") return null;
    return parsed as StoredConfig;
  } catch {
    throw new CliError(`${file} is not valid JSON: run runport login again`, EXIT.usage);
  }
}

/** Written to a temporary file created with mode 600 and renamed: never readable by others. */
export function writeConfig(config: StoredConfig, env: Env = process.env): string {
  const file = configPath(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return file;
}

export interface NetrcEntry {
  login?: string;
  password?: string;
}

/** The entry of `host` (or `default`) in a .netrc text; macdef bodies are skipped. */
export function parseNetrc(text: string, host: string): NetrcEntry | null {
  const tokens = text.split(/\s+/).filter(Boolean);
  let current: NetrcEntry | null = null;
  let matched: NetrcEntry | null = null;
  let fallback: NetrcEntry | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === "machine" || token === "default") {
      current = {};
      if (token === "default") fallback ??= current;
      else if (tokens[++i] === host && !matched) matched = current;
    } else if ((token === "login" || token === "password") && current) {
      const value = tokens[++i];
      if (value !== undefined) current[token] = value;
    } else if (token === "macdef") {
      // A macro's body runs to the next empty line: not a credential, skipped here.
      current = null;
    }
  }
  return matched ?? fallback;
}

function readNetrc(host: string, env: Env): NetrcEntry | null {
  const file = env.NETRC || path.join(env.HOME || os.homedir(), ".netrc");
  if (!existsSync(file)) return null;
  return parseNetrc(readFileSync(file, "utf8"), host);
}

export const basic = (login: string, password: string) =>
  `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}`;

/** The server and credential of a command: flags first, then environment, config, netrc. */
export function resolveServer(
  flags: { url?: string; token?: string },
  env: Env = process.env,
): { url: string; credential: Credential | null } {
  const stored = readConfig(env);
  const url = flags.url ?? env.RUNPORT_URL ?? stored?.url;
  if (!url) {
    throw new CliError(
      "no server: run `runport login URL` first, or give --url or RUNPORT_URL",
      EXIT.usage,
    );
  }
  const token = flags.token ?? env.RUNPORT_TOKEN;
  if (token) {
    return {
      url,
      credential: { header: `Bearer ${token}`, source: flags.token ? "--token" : "RUNPORT_TOKEN" },
    };
  }
  if (stored && sameServer(stored.url, url)) {
    return { url, credential: { header: `Bearer ${stored.token}`, source: configPath(env) } };
  }
  const entry = readNetrc(new URL(url).hostname, env);
  if (entry?.login && entry.password) {
    return { url, credential: { header: basic(entry.login, entry.password), source: "netrc" } };
  }
  return { url, credential: null };
}

function sameServer(a: string, b: string): boolean {
  const normal = (u: string) => new URL(u).toString().replace(/\/+$/, "");
  try {
    return normal(a) === normal(b);
  } catch {
    return false;
  }
}

export { readNetrc };
