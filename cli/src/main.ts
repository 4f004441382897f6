/**
 * runport: the command-line client of a Runport server. It speaks only the REST API
 * (docs/API.md) with Node's own fetch and parseArgs; nothing of the server is bundled.
 */
import { parseCommand } from "./args";
import { act, LIST_OPTIONS, listRuns, showStatus } from "./commands/runs";
import { LOGIN_OPTIONS, login } from "./commands/login";
import { LOGS_OPTIONS, logs } from "./commands/logs";
import { OUTPUTS_OPTIONS, outputs } from "./commands/outputs";
import { listPipelines, TEMPLATE_OPTIONS, template } from "./commands/pipelines";
import { SUBMIT_OPTIONS, submit } from "./commands/submit";
import { type Context, createContext } from "./context";
import { CliError, EXIT, type ExitCode } from "./exit-codes";
import { ApiError } from "./problem";

declare const RUNPORT_CLI_VERSION: string | undefined;
export const VERSION = typeof RUNPORT_CLI_VERSION === "string" ? RUNPORT_CLI_VERSION : "dev";

interface Command {
  usage: string;
  options: Parameters<typeof parseCommand>[1];
  positionals: number;
  run(ctx: Context): Promise<ExitCode | void>;
}

const COMMANDS: Record<string, Command> = {
  login: {
    usage: "login URL [-u USER] [--password-stdin] [--token T] [--token-name N] [--expires-days D]",
    options: LOGIN_OPTIONS,
    positionals: 1,
    run: login,
  },
  submit: {
    usage:
      "submit FILE|- [-p PIPELINE] [--name N] [--label k=v]... [--hold] [--priority P] [--dry-run] [--wait]\n" +
      "              [--format json|xlsx|ods|xls|csv|tsv] [--config FIELDS.json (CSV/TSV: the other fields)]",
    options: SUBMIT_OPTIONS,
    positionals: 1,
    run: submit,
  },
  list: {
    usage:
      "list [--status S]... [--pipeline P] [--user U] [--label k=v]... [-q NAME] [--limit N] [--cursor C]",
    options: LIST_OPTIONS,
    positionals: 0,
    run: listRuns,
  },
  status: { usage: "status ID", options: {}, positionals: 1, run: showStatus },
  logs: { usage: "logs ID [-f|--follow]", options: LOGS_OPTIONS, positionals: 1, run: logs },
  cancel: { usage: "cancel ID", options: {}, positionals: 1, run: (ctx) => act(ctx, "cancel") },
  retry: { usage: "retry ID", options: {}, positionals: 1, run: (ctx) => act(ctx, "retry") },
  release: { usage: "release ID", options: {}, positionals: 1, run: (ctx) => act(ctx, "release") },
  outputs: {
    usage: "outputs ID [--get PATH]... [--all] [-o DIR] [--attempt N]",
    options: OUTPUTS_OPTIONS,
    positionals: 1,
    run: outputs,
  },
  pipelines: { usage: "pipelines", options: {}, positionals: 0, run: listPipelines },
  template: {
    usage: "template PIPELINE[@VERSION] [-o FILE.xlsx] [--version V] [--example]",
    options: TEMPLATE_OPTIONS,
    positionals: 1,
    run: template,
  },
};

export const USAGE = `usage: runport COMMAND [options]     (runport COMMAND --help)

${Object.values(COMMANDS)
  .map((c) => `  runport ${c.usage}`)
  .join("\n")}

Every command: --url URL, --token TOKEN (or RUNPORT_URL, RUNPORT_TOKEN; else the config
file written by login, else ~/.netrc), --json (the API's answer, for scripts).
Exit codes: 0 ok (--wait: the run succeeded), 1 the run failed, 2 usage, 3 the run ended in
error, 4 cancelled, 5 refused by the server (invalid, unknown, not allowed), 6 network or
server unavailable, 7 checksum mismatch.`;

export async function main(argv: string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-V" || name === "version") {
    process.stdout.write(`runport ${VERSION}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command: ${name}\n${USAGE}`, EXIT.usage);
  const args = parseCommand(rest, command.options, command.positionals);
  if (args.values.help) {
    process.stdout.write(`usage: runport ${command.usage}\n`);
    return EXIT.ok;
  }
  const code = await command.run(createContext(args));
  return typeof code === "number" ? code : EXIT.ok;
}

// Only when run as the program (tests import main without running it).
if (process.argv[1] && /runport(\.mjs)?$|main\.ts$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof CliError) {
        process.stderr.write(
          `${error.message.startsWith("error:") ? "" : "runport: "}${error.message}\n`,
        );
        if (error instanceof ApiError && error.status === 401) {
          process.stderr.write("hint: runport login URL, or --token, RUNPORT_TOKEN, ~/.netrc\n");
        }
        process.exitCode = error.exitCode;
      } else {
        process.stderr.write(
          `runport: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
        );
        process.exitCode = 1;
      }
    },
  );
}
