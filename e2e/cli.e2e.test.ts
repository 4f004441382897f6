// The runport client (cli/) as its users run it: the built binary, a child process with
// argv, against the shared stack over HTTP, with a home folder of its own.
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import http, { type IncomingHttpHeaders } from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { simpleParser } from "mailparser";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { cli } from "./support/cli";

const baseUrl = inject("baseUrl");
const runsDir = inject("runsDir");
const mailDir = inject("mailDir");
const PASSWORD = "cli-alice-password-1";
const binary = path.resolve("cli/dist/runport.mjs");
const example = path.resolve("pipelines/fastq-qc/example.json");

let home: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The binary with argv only (no shell), its own HOME and config folder, no inherited RUNPORT_*. */
function runport(args: string[], options: { input?: string; home?: string } = {}): Promise<Result> {
  return runportWith(process.execPath, [binary, ...args], options);
}

function runportWith(
  program: string,
  args: string[],
  options: { input?: string; home?: string } = {},
): Promise<Result> {
  const dir = options.home ?? home;
  const child: ChildProcessWithoutNullStreams = spawn(program, args, {
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      HOME: dir,
      XDG_CONFIG_HOME: path.join(dir, "config"),
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? "");
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The binary on a pseudo-terminal (Python's pty module, argv only), as a person runs it:
 * standard output and error both arrive in `stdout`.
 */
function inTerminal(args: string[]): Promise<Result> {
  const script =
    "import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))";
  return runportWith("python3", ["-c", script, process.execPath, binary, ...args]);
}

beforeAll(async () => {
  // The binary as `npm run build` makes it (esbuild: well under a second).
  await promisify(execFile)(process.execPath, ["cli/build.mjs"]);
  home = mkdtempSync(path.join(os.tmpdir(), "runport-cli-e2e-"));
  await cli("user", "create", "cli-alice", "--role", "submitter", "--password", PASSWORD);
  const login = await runport(["login", baseUrl, "-u", "cli-alice", "--password-stdin"], {
    input: `${PASSWORD}\n`,
  });
  expect(login).toMatchObject({ code: 0 });
  expect(login.stdout).toContain("logged in");
});

/** Webhook messages verified as a receiver written without Runport's code does it. */
const hooks: { type: string; data: { id: string; status: string } }[] = [];
let hookSecret = "";
const receiver = http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk: Buffer) => (body += chunk.toString()));
  request.on("end", () => {
    try {
      const headers = request.headers as IncomingHttpHeaders & Record<string, string>;
      hooks.push(new Webhook(hookSecret).verify(body, headers) as (typeof hooks)[number]);
      response.writeHead(204).end();
    } catch {
      response.writeHead(400).end();
    }
  });
});

/** cli-alice's own API call with her password (the client is what is tested, not these). */
async function asAlice(method: string, url: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${url}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`cli-alice:${PASSWORD}`).toString("base64")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
}

/** The messages the stack's SMTP server received for `to`, parsed. */
async function mailsTo(to: string) {
  const mails = await Promise.all(
    readdirSync(mailDir).map((file) => simpleParser(readFileSync(path.join(mailDir, file)))),
  );
  return mails.filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.text === to);
}

afterAll(() => {
  receiver.closeAllConnections();
  receiver.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("runport login and credentials", () => {
  it("stores a new API token with mode 600; ~/.netrc works without a login", async () => {
    const file = path.join(home, "config/runport/config.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, "utf8")) as { url: string; token: string };
    expect(stored).toMatchObject({ url: baseUrl, username: "cli-alice" });
    expect(stored.token).toMatch(/^rp_/);

    const other = mkdtempSync(path.join(os.tmpdir(), "runport-cli-netrc-"));
    try {
      const none = await runport(["pipelines", "--url", baseUrl], { home: other });
      expect(none.code, none.stderr).toBe(5); // no credentials: the server's 401
      expect(none.stderr).toContain("401");
      const host = new URL(baseUrl).hostname;
      writeFileSync(
        path.join(other, ".netrc"),
        `machine ${host}\n login cli-alice\n password ${PASSWORD}\n`,
        {
          mode: 0o600,
        },
      );
      const pipelines = await runport(["pipelines", "--url", baseUrl], { home: other });
      expect(pipelines.code, pipelines.stderr).toBe(0);
      expect(pipelines.stdout).toMatch(/^fastq-qc\s+1\.0\.0/m);
      expect((await runport(["list"], { home: other })).code).toBe(2); // no server configured
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe("runport submit, list, logs, outputs", () => {
  it("submits fastq-qc's example with --wait, prints progress, and exits 0; its end makes exactly one e-mail and one signed webhook", async () => {
    // Issue 14's "done when": the submitter's address, and a webhook for run.succeeded.
    const settings = await asAlice("PATCH", "/api/v1/account/notifications", {
      email: "cli-alice@e2e.test",
      emailStatuses: ["succeeded", "failed", "error"],
    });
    expect(settings.status).toBe(200);
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const created = await asAlice("POST", "/api/v1/webhooks", {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      events: ["run.succeeded"],
    });
    expect(created.status).toBe(201);
    hookSecret = ((await created.json()) as { secret: string }).secret;

    const submitted = await runport(["submit", example, "--wait", "--label", "suite=cli-e2e"]);
    expect(submitted.stderr).toMatch(/submitted \w+ \(fastq-qc@1\.0\.0, demo-qc\)/);
    expect(submitted.code, submitted.stderr).toBe(0);
    const [id, status] = submitted.stdout.trim().split("\t");
    expect(status).toBe("succeeded");
    // One line per change (not a terminal): the run as submitted, then done at 100%.
    expect(submitted.stderr).toMatch(new RegExp(`^${id} (queued|running)`, "m"));
    expect(submitted.stderr).toMatch(new RegExp(`^${id} succeeded 100%`, "m"));

    // One mail and one verified webhook for the run's end, and no second one after a while.
    const mine = async () =>
      (await mailsTo("cli-alice@e2e.test")).filter((mail) => mail.text?.includes(String(id)));
    await vi.waitFor(async () => expect(await mine()).toHaveLength(1), { timeout: 15_000 });
    await vi.waitFor(() => expect(hooks.filter((h) => h.data.id === id)).toHaveLength(1), {
      timeout: 15_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 2500)); // both senders poll in ≤ 1 s
    const [mail] = await mine();
    expect(mail?.subject).toMatch(/succeeded/i);
    expect(hooks.filter((h) => h.data.id === id).map((h) => [h.type, h.data.status])).toEqual([
      ["run.succeeded", "succeeded"],
    ]);

    const listed = await runport([
      "list",
      "--json",
      "--label",
      "suite=cli-e2e",
      "--status",
      "succeeded",
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const page = JSON.parse(listed.stdout) as { items: { id: string; labels: object }[] };
    expect(page.items.map((run) => run.id)).toEqual([id]);
    expect(page.items[0]?.labels).toEqual({ suite: "cli-e2e" });

    const logs = await runport(["logs", String(id)]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain("exited with code 0");

    const listing = await runport(["outputs", String(id), "--json"]);
    const outputs = JSON.parse(listing.stdout) as { items: { path: string; sha256: string }[] };
    const qc = outputs.items.find((item) => item.path === "qc.json");
    const dir = path.join(home, "downloads");
    const got = await runport(["outputs", String(id), "--get", "qc.json", "-o", dir]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain(`sha256 ${qc?.sha256} ok`);
    const bytes = readFileSync(path.join(dir, "qc.json"));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(qc?.sha256);
    expect(bytes).toEqual(
      readFileSync(path.join(runsDir, String(id), "attempt-1/outputs/qc.json")),
    );
  });

  it("prints the server's problem at its line and column and exits 5 for an invalid config", async () => {
    const text = readFileSync(example, "utf8").replace('"fastqCode": "R2"', '"fastqCode": "R9"');
    const line = text.slice(0, text.indexOf('"R9"')).split("\n").length;
    const file = path.join(home, "invalid.json");
    writeFileSync(file, text);
    const result = await runport(["submit", file, "--label", "suite=cli-invalid"]);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr).toContain("VALIDATION_FAILED");
    expect(result.stderr).toMatch(
      new RegExp(`line ${line}, column \\d+: /dataFiles/1/fastqCode must be one of`),
    );
    const listed = await runport(["list", "--json", "--label", "suite=cli-invalid"]);
    expect((JSON.parse(listed.stdout) as { total: number }).total).toBe(0); // nothing stored
    expect((await runport(["submit"])).code).toBe(2);
  });

  it("holds, releases and cancels a run; a failed run exits 1, with a progress bar on a terminal", async () => {
    const config = path.join(home, "long.json");
    writeFileSync(
      config,
      JSON.stringify({ pipeline: "hello@1.0.0", name: "long", sleepSeconds: 60 }),
    );
    const failing = path.join(home, "failing.json");
    writeFileSync(failing, JSON.stringify({ pipeline: "hello@1.0.0", name: "x", exitCode: 3 }));
    const [held, failed] = await Promise.all([
      runport(["submit", config, "--hold", "--name", "cli-held"]),
      inTerminal(["submit", failing, "--wait"]),
    ]);
    expect(failed.code, failed.stdout).toBe(1);
    expect(failed.stdout).toContain("\tfailed\texit code 3");
    // On a terminal: a bar redrawn in place, not a line per change.
    expect(failed.stdout).toMatch(/\r\[[#-]{24}\] +\d+% (queued|running|failed)/);
    const [id, status] = held.stdout.trim().split("\t");
    expect(status).toBe("held");
    expect((await runport(["release", String(id)])).stdout).toContain(`${id}\tqueued`);
    const cancelled = await runport(["cancel", String(id)]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(/\tcancell(ed|ing)/);
    const status2 = await runport(["status", String(id)]);
    expect(status2.stdout).toMatch(/name\s+cli-held/);
  });

  it("follows a live log across a dropped connection without losing or repeating text", async () => {
    const config = path.join(home, "follow.json");
    writeFileSync(
      config,
      JSON.stringify({ pipeline: "hello@1.0.0", name: "follow", sleepSeconds: 3, steps: 6 }),
    );
    // A proxy whose first connection is cut after the first log event has passed.
    const upstream = new URL(baseUrl);
    let connections = 0;
    const proxy = net.createServer((client) => {
      const first = ++connections === 1;
      const server = net.connect(Number(upstream.port), upstream.hostname);
      client.pipe(server);
      server.on("data", (chunk: Buffer) => {
        const at = first ? chunk.indexOf("event: log") : -1;
        if (at === -1) return client.write(chunk);
        // Up to the end of that event, then the connection ends mid-response.
        const end = chunk.indexOf("\n\n", at);
        client.end(end === -1 ? chunk : chunk.subarray(0, end + 2));
        server.destroy();
      });
      server.on("end", () => client.end());
      client.on("error", () => server.destroy());
      server.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const submitted = await runport(["submit", config]);
      const [id] = submitted.stdout.trim().split("\t");
      const port = (proxy.address() as net.AddressInfo).port;
      const { token } = JSON.parse(
        readFileSync(path.join(home, "config/runport/config.json"), "utf8"),
      ) as { token: string };
      const proxied = ["--url", `http://127.0.0.1:${port}`, "--token", token];
      const followed = await runport(["logs", String(id), "--follow", ...proxied]);
      expect(followed.stderr).toContain("connection lost");
      expect(connections).toBeGreaterThan(1);
      expect(followed.code, followed.stderr).toBe(0);
      const whole = await runport(["logs", String(id)]);
      expect(whole.stdout).toContain("Hello, follow!");
      expect(followed.stdout).toBe(whole.stdout);
    } finally {
      proxy.close();
    }
  });

  it("downloads a pipeline's template, and the filled example passes a dry run", async () => {
    const file = path.join(home, "fastq-qc.xlsx");
    const template = await runport(["template", "fastq-qc", "--example", "-o", file]);
    expect(template.code, template.stderr).toBe(0);
    expect(readFileSync(file).subarray(0, 2).toString()).toBe("PK");
    const dry = await runport(["submit", file, "--dry-run"]);
    expect(dry.stdout).toContain("valid: fastq-qc@1.0.0");
    expect(dry.code, dry.stderr).toBe(0);
  });
});
