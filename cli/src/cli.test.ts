import { mkdtempSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCommand, list } from "./args";
import { detectFormat, jsonSubmission } from "./commands/submit";
import { targetPath } from "./commands/outputs";
import { parseNetrc, readConfig, resolveServer, writeConfig } from "./config";
import { CliError, EXIT, exitCodeOfStatus } from "./exit-codes";
import { clean, parseLabels, progressBar, table } from "./format";
import { problemText, unwrapEnvelopeProblem } from "./problem";
import { SseParser } from "./sse";

describe("arguments", () => {
  it("parses repeatable options and refuses unknown ones with the usage exit code", () => {
    const parsed = parseCommand(
      ["run.json", "--label", "a=1", "--label", "b=2", "--json"],
      { label: { type: "string", multiple: true } },
      1,
    );
    expect(parsed.positionals).toEqual(["run.json"]);
    expect(list(parsed, "label")).toEqual(["a=1", "b=2"]);
    expect(parsed.values.json).toBe(true);
    const unknown = () => parseCommand(["--lable", "a=1"], {}, 1);
    expect(unknown).toThrow(CliError);
    expect(unknown).toThrow(/lable/);
    expect(() => parseCommand(["a", "b"], {}, 1)).toThrow(/unexpected argument: b/);
  });

  it("reads labels as key=value, the value may hold '='", () => {
    expect(parseLabels(["team=qc", "expr=a=b"])).toEqual({ team: "qc", expr: "a=b" });
    expect(() => parseLabels(["novalue"])).toThrow(/key=value/);
    expect(() => parseLabels(["a=1", "a=2"])).toThrow(/twice/);
  });

  it("maps each run outcome to its own exit code", () => {
    const codes = ["succeeded", "failed", "error", "cancelled"].map(exitCodeOfStatus);
    expect(codes).toEqual([EXIT.ok, EXIT.failed, EXIT.error, EXIT.cancelled]);
    expect(new Set(Object.values(EXIT)).size).toBe(Object.values(EXIT).length);
  });
});

describe("formatting", () => {
  it("aligns a table and strips control characters from the server's data", () => {
    const text = table(
      ["ID", "NAME"],
      [
        ["a", "\u001b[31mred"],
        ["longer", null],
      ],
    );
    expect(text).toBe("ID      NAME\na        [31mred\nlonger");
    expect(clean("x\u202ey")).toBe("x y");
  });

  it("draws a progress bar", () => {
    expect(progressBar(50, 10)).toBe("[#####-----]  50%");
    expect(progressBar(250, 4)).toBe("[####] 100%");
    expect(progressBar(null, 3)).toContain("???");
  });

  it("prints a problem with its line and column, or cell", () => {
    const text = problemText(422, {
      detail: "2 problems",
      code: "VALIDATION_FAILED",
      errors: [
        { path: "/dataFiles/0/fastqCode", message: "must be one of", line: 9, column: 20 },
        { path: "/minQuality", message: "expected a whole number", sheet: "Run", cell: "Run!B7" },
      ],
    });
    expect(text).toBe(
      "error: 2 problems (422 VALIDATION_FAILED)\n" +
        "  line 9, column 20: /dataFiles/0/fastqCode must be one of\n" +
        "  Run!B7: /minQuality expected a whole number",
    );
  });
});

describe("a JSON file in the envelope", () => {
  const text = '{"pipeline": "hello@1.0.0", "project": "p",\n  "name": 7\n}';

  it("keeps the file's lines and points problems back into the file", () => {
    const submission = jsonSubmission(text, { labels: { team: "qc" }, hold: true });
    expect(submission.path).toBe("api/v1/runs");
    const body = submission.body as string;
    const envelope = JSON.parse(body) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      pipeline: "hello@1.0.0",
      name: "p",
      labels: { team: "qc" },
      hold: true,
      config: JSON.parse(text) as unknown,
    });
    expect(body.split("\n")[1]).toBe(text.split("\n")[1]);
    const prefix = submission.prefix ?? 0;
    const unwrapped = unwrapEnvelopeProblem(
      {
        errors: [
          { path: "/config/name", message: "must be string", line: 2, column: 11 },
          { path: "/config/project", message: "x", line: 1, column: prefix + 30 },
          { path: "/labels/team", message: "y" },
        ],
      },
      prefix,
    );
    expect(unwrapped?.errors).toEqual([
      { path: "/name", message: "must be string", line: 2, column: 11 },
      { path: "/project", message: "x", line: 1, column: 30 },
      { path: "/labels/team", message: "y" },
    ]);
  });

  it("sends a file that is not JSON to the old endpoint untouched (the server says where)", () => {
    const broken = '{"pipeline": "hello@1.0.0",}';
    expect(jsonSubmission(broken, {})).toMatchObject({ path: "api/v1/new-run/", body: broken });
  });

  it("tells formats apart by --format, extension, then content", () => {
    const zip = new Uint8Array([0x50, 0x4b, 3, 4]);
    expect(detectFormat("-", zip)).toBe("xlsx");
    expect(detectFormat("a.tsv", zip)).toBe("tsv");
    expect(detectFormat("-", new Uint8Array([0x7b]))).toBe("json");
    expect(detectFormat("a.bin", zip, "ods")).toBe("ods");
    expect(() => detectFormat("a", zip, "docx")).toThrow(/--format/);
  });
});

describe("configuration", () => {
  it("reads the machine's entry of a .netrc, else default", () => {
    const netrc = `machine other login x password y
machine runport.example.org
  login alice
  password s3cret
default login anon password none`;
    expect(parseNetrc(netrc, "runport.example.org")).toEqual({
      login: "alice",
      password: "s3cret",
    });
    expect(parseNetrc(netrc, "elsewhere")).toEqual({ login: "anon", password: "none" });
    expect(parseNetrc("machine a login b password c", "z")).toBeNull();
  });

  it("stores the token with mode 600 and prefers flags, then environment, then config, then netrc", () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "runport-cli-"));
    const env = {
      XDG_CONFIG_HOME: path.join(home, "config"),
      HOME: home,
      NETRC: path.join(home, "none"),
    };
    const file = writeConfig({ url: "http://localhost:3000", token: "rp_stored" }, env);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readConfig(env)?.token).toBe("rp_stored");
    expect(resolveServer({}, env).credential?.header).toBe("Bearer rp_stored");
    expect(resolveServer({ token: "rp_flag" }, env).credential?.header).toBe("Bearer rp_flag");
    expect(resolveServer({}, { ...env, RUNPORT_TOKEN: "rp_env" }).credential?.header).toBe(
      "Bearer rp_env",
    );
    // Another server than the stored one never gets the stored token.
    expect(resolveServer({ url: "http://other:3000" }, env).credential).toBeNull();
    expect(() => resolveServer({}, { HOME: home, XDG_CONFIG_HOME: path.join(home, "x") })).toThrow(
      /runport login/,
    );
  });

  it("never writes an output outside the chosen folder", () => {
    expect(targetPath("/tmp/o", "plots/gc.svg")).toBe("/tmp/o/plots/gc.svg");
    for (const bad of ["../x", "/etc/passwd", "a/../../x", "a//b"]) {
      expect(() => targetPath("/tmp/o", bad)).toThrow(/outside/);
    }
  });
});

describe("server-sent events", () => {
  it("joins events split across chunks and keeps their ids", () => {
    const parser = new SseParser();
    expect(parser.push('event: log\nid: 12\ndata: {"te')).toEqual([]);
    expect(parser.push('xt":"a"}\n\n: ping\n\nevent: end\r\ndata: {}\r\n\r\n')).toEqual([
      { event: "log", id: "12", data: '{"text":"a"}' },
      { event: "end", data: "{}" },
    ]);
  });
});
