/** What every command gets: its parsed arguments, the API client, output helpers. */
import { type Parsed, flag, str } from "./args";
import { resolveServer } from "./config";
import { CliError, EXIT } from "./exit-codes";
import { Client } from "./http";

export interface Context {
  args: Parsed;
  json: boolean;
  /** The client for the configured server; a usage error when there is none. */
  client(): Client;
  /** A line for a person (stdout). */
  say(text: string): void;
  /** A line about progress or a warning (stderr: stdout stays clean for --json). */
  note(text: string): void;
  /** The value as JSON on stdout (--json). */
  print(value: unknown): void;
}

export function createContext(args: Parsed): Context {
  let client: Client | null = null;
  return {
    args,
    json: flag(args, "json"),
    client() {
      if (!client) {
        const { url, credential } = resolveServer({
          url: str(args, "url"),
          token: str(args, "token"),
        });
        if (!/^https?:\/\//.test(url)) throw new CliError(`not an http(s) URL: ${url}`, EXIT.usage);
        client = new Client(url, credential);
      }
      return client;
    },
    say(text) {
      process.stdout.write(`${text}\n`);
    },
    note(text) {
      process.stderr.write(`${text}\n`);
    },
    print(value) {
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
