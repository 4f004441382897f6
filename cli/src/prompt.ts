/** Questions on the terminal: a password is read without echo; no terminal, no questions. */
import { createInterface } from "node:readline";
import { CliError, EXIT } from "./exit-codes";

/** The first line of standard input (--password-stdin), without its line break. */
export async function readStdinLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new CliError("--password-stdin: standard input is empty", EXIT.usage);
}

export async function prompt(question: string, hidden: boolean): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    throw new CliError(
      `${question.replace(/: $/, "")} needed and no terminal to ask: give --username and --password-stdin, --token, or a ~/.netrc entry`,
      EXIT.usage,
    );
  }
  process.stderr.write(question);
  if (!hidden) {
    const lines = createInterface({ input, output: process.stderr, terminal: false });
    for await (const line of lines) {
      lines.close();
      return line.trim();
    }
    return "";
  }
  input.setRawMode(true);
  input.resume();
  let value = "";
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") return value;
        if (char === "\u0003") throw new CliError("interrupted", EXIT.usage);
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else value += char;
      }
    }
    return value;
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write("\n");
  }
}
