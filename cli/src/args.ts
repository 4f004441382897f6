/** Command-line parsing: util.parseArgs per command, the global options merged in. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError, EXIT } from "./exit-codes";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Accepted by every command. */
export const GLOBAL_OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Parses one command's arguments; an unknown option or a missing value is a usage error. */
export function parseCommand(args: string[], options: Options, positionals: number): Parsed {
  let parsed: Parsed;
  try {
    const config: ParseArgsConfig = {
      args,
      options: { ...GLOBAL_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    };
    parsed = parseArgs(config);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT.usage);
  }
  if (!parsed.values.help && parsed.positionals.length > positionals) {
    throw new CliError(`unexpected argument: ${parsed.positionals[positionals]}`, EXIT.usage);
  }
  return parsed;
}

export const str = (parsed: Parsed, name: string): string | undefined => {
  const value = parsed.values[name];
  return typeof value === "string" ? value : undefined;
};
export const list = (parsed: Parsed, name: string): string[] => {
  const value = parsed.values[name];
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === "string");
};
export const flag = (parsed: Parsed, name: string): boolean => parsed.values[name] === true;

/** A positional argument the command needs, or a usage error naming it. */
export function required(parsed: Parsed, index: number, name: string): string {
  const value = parsed.positionals[index];
  if (value === undefined || value === "") throw new CliError(`missing ${name}`, EXIT.usage);
  return value;
}

/** A whole number option within bounds. */
export function integer(
  parsed: Parsed,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = str(parsed, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new CliError(`--${name} must be a whole number from ${min} to ${max}`, EXIT.usage);
  }
  return number;
}

/** A run id as the API prints it (lower-case letters and digits): nothing else reaches a URL. */
export function runId(parsed: Parsed, index = 0): string {
  const id = required(parsed, index, "run ID");
  if (!/^[0-9a-z]{1,40}$/.test(id)) throw new CliError(`not a run id: ${id}`, EXIT.usage);
  return id;
}
