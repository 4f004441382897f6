import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { resetEnv, updateInitialEnv } from "@next/env";
import { afterEach, describe, expect, it } from "vitest";
import { envLine, newEnvFile, setEnvValue, writeEnvFile } from "./env-file";
import { readSettings } from "./settings";

const dirs: string[] = [];
afterEach(() => {
  resetEnv(); // readSettings loads the files into process.env
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What the app (and the scripts) read back from a .env with this text. */
function readBack(text: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "runport-env-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, ".env"), text);
  return readSettings(dir);
}

describe("envLine", () => {
  it("quotes only values dotenv would cut or change", () => {
    expect(envLine("A", "mysql://root@127.0.0.1:3306/runport")).toBe(
      "A=mysql://root@127.0.0.1:3306/runport",
    );
    expect(envLine("A", "has space")).toBe("A='has space'");
    expect(envLine("A", "x#y")).toBe("A='x#y'");
    expect(envLine("A", "it's")).toBe(`A="it's"`);
  });
});

describe("setEnvValue", () => {
  const text =
    "# settings\nexport DATABASE_URL=old # comment\nREDIS_URL=redis://a\nDATABASE_URL = older\n";

  it("replaces every line of the key by one, where the first was, keeping the rest", () => {
    expect(setEnvValue(text, "DATABASE_URL", "mysql://new")).toBe(
      "# settings\nDATABASE_URL=mysql://new\nREDIS_URL=redis://a\n",
    );
  });

  it("appends a key that is not there, and does not touch keys that only start alike", () => {
    expect(setEnvValue("PORTAL=x", "PORT", "3001")).toBe("PORTAL=x\nPORT=3001\n");
    expect(setEnvValue("", "PORT", "3001")).toBe("PORT=3001\n");
  });

  it("writes values that read back unchanged", () => {
    const value = "mysql://u:p w#'x@127.0.0.1:3307/runport";
    const { settings } = readBack(setEnvValue(text, "DATABASE_URL", value));
    expect(settings.DATABASE_URL).toBe(value);
  });
});

describe("newEnvFile and readSettings", () => {
  it("reads back the URLs, the secret and the port of a new .env; the rest are the app's defaults", () => {
    const text = newEnvFile({
      databaseUrl: "mysql://root@127.0.0.1:3307/runport",
      redisUrl: "redis://127.0.0.1:6380",
      authSecret: "s".repeat(64),
      port: "3001",
      date: new Date("2026-01-02T03:04:05Z"),
    });
    expect(text).toContain("created by `npm run up` on 2026-01-02");
    const { settings, envFile } = readBack(text);
    expect(settings).toEqual({
      DATABASE_URL: "mysql://root@127.0.0.1:3307/runport",
      REDIS_URL: "redis://127.0.0.1:6380",
      ADMIN_USERNAME: "admin",
      RUNS_DIR: "./.data/runs",
      PORT: 3001,
    });
    expect(envFile.AUTH_SECRET).toBe("s".repeat(64));
  });

  it("lets the environment override .env, and says which setting is wrong", () => {
    // As if started with PORT=4000 npm run up (@next/env restores the starting environment).
    updateInitialEnv({ PORT: "4000" });
    expect(readBack("PORT=3001\n").settings.PORT).toBe(4000);
    updateInitialEnv({ PORT: undefined });
    expect(() => readBack("REDIS_URL=http://x\n")).toThrow(/REDIS_URL/);
  });
});

describe("writeEnvFile", () => {
  it("leaves .env readable by its owner only, also one that was readable by everyone", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "runport-env-"));
    dirs.push(dir);
    const file = path.join(dir, ".env");
    writeEnvFile(file, "AUTH_SECRET=one\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, "AUTH_SECRET=two\n", { mode: 0o644 });
    writeEnvFile(file, setEnvValue(readFileSync(file, "utf8"), "RUN_AS_USER", "runport-run"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe("AUTH_SECRET=two\nRUN_AS_USER=runport-run\n");
  });
});
