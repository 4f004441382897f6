import path from "node:path";

/** The files of a Slurm attempt, in its working folder (RUNS_DIR, shared with the nodes). */
export function slurmJobFiles(workDir: string) {
  return {
    script: path.join(workDir, "runport-job.sh"),
    stdout: path.join(workDir, "runport-stdout.log"),
    stderr: path.join(workDir, "runport-stderr.log"),
    /** Written by the script once the pipeline has exited: the truth about its exit code. */
    exitCode: path.join(workDir, "runport-exit-code"),
    /** What Slurm itself says about the job (a script that cannot start, a kill at its limit). */
    slurmOutput: path.join(workDir, "runport-slurm.out"),
  };
}
export type SlurmJobFiles = ReturnType<typeof slurmJobFiles>;

/**
 * One shell word holding `value` exactly: single quotes, each ' written as '\''. Inside
 * single quotes the shell expands nothing ($, `, \, newlines are plain characters).
 * NUL cannot be in an argv element or a file at all: refused.
 */
export function shellWord(value: string): string {
  if (value.includes("\0")) throw new Error("a value holds a NUL character");
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The job script: in the working folder, runs the pipeline's argv with exactly the
 * environment of a local run (`env -i`: nothing of Slurm's or the submitter's), output to
 * files the worker tails, then writes the exit code (to a temp name, renamed: the worker
 * never reads half a number). Every value is one quoted word: no shell string is built.
 */
export function jobScript(options: {
  argv: readonly string[];
  env: Record<string, string>;
  workDir: string;
  title: string;
}): string {
  const [program] = options.argv;
  // env(1) would take a program name with = for a variable, one with a leading - for an option.
  if (!program || program.includes("=")) throw new Error("the program name may not contain =");
  const files = slurmJobFiles(options.workDir);
  const variables = Object.entries(options.env).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad variable name ${name}`);
    return shellWord(`${name}=${value}`);
  });
  const temp = `${files.exitCode}.tmp`;
  return [
    "#!/bin/sh",
    `# ${options.title.replace(/[^\w .@-]/g, "_")}: written by Runport, do not edit.`,
    `cd ${shellWord(options.workDir)} || exit 111`,
    [
      "env -i --",
      ...variables,
      ...options.argv.map(shellWord),
      `</dev/null >${shellWord(files.stdout)} 2>${shellWord(files.stderr)}`,
    ].join(" \\\n  "),
    "code=$?",
    `printf '%s\\n' "$code" >${shellWord(temp)} && mv -f ${shellWord(temp)} ${shellWord(files.exitCode)}`,
    'exit "$code"',
    "",
  ].join("\n");
}
