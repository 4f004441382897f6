import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startWebProcess } from "@/test/stack";
import { cli } from "./support/cli";
import { nginxBodyLimit, startNginx, tls, type Nginx } from "./support/nginx";

// Debian's nginx with the committed deploy/nginx/runport.conf (ports and certificate paths
// replaced) and a self-signed certificate, in front of one more web process of the shared
// stack configured as that file's header says (TRUST_PROXY=1, MAX_BODY_BYTES = the file's
// client_max_body_size): everything below goes through TLS.
const exec = promisify(execFile);
const user = `deploy-${randomBytes(3).toString("hex")}`;
const password = `${user}-password`;
const basic = (name: string, secret: string) =>
  `Basic ${Buffer.from(`${name}:${secret}`).toString("base64")}`;
const admin = `deploy-admin-${randomBytes(3).toString("hex")}`;
const adminAuth = basic(admin, `${admin}-password`);
let dir: string;
let nginx: Nginx;
let direct: string; // the web process nginx proxies to, reached without nginx
let stopWeb: (() => Promise<void>) | undefined;

beforeAll(async () => {
  await cli("user", "create", user, "--role", "submitter", "--password", password);
  await cli("user", "create", admin, "--role", "admin", "--password", `${admin}-password`);
  const env = {
    ...inject("stackEnv"),
    TRUST_PROXY: "1",
    MAX_BODY_BYTES: String(nginxBodyLimit()),
  };
  const web = await startWebProcess(env, path.resolve("test-results/e2e-processes"));
  direct = web.baseUrl;
  stopWeb = () => web.stop();
  dir = mkdtempSync(path.join(tmpdir(), "runport-nginx-"));
  nginx = await startNginx(Number(new URL(direct).port), dir);
});

afterAll(async () => {
  await nginx?.stop();
  await stopWeb?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) =>
  tls(nginx.caFile, `${nginx.httpsUrl}${path}`, { headers });
const cookies = (headers: Record<string, unknown>) =>
  (headers["set-cookie"] as string[] | undefined) ?? [];

/** Log events of a run's live view as they arrive: the time each step's line was first seen. */
function follow(open: () => Promise<NodeJS.ReadableStream>, seen: Map<string, number>) {
  return open().then(
    (body) =>
      new Promise<void>((resolve, reject) => {
        let text = "";
        body.on("data", (chunk: Buffer) => {
          const now = Date.now();
          text += chunk.toString("utf8");
          for (const step of text.matchAll(/Step (\d+) of/g))
            if (!seen.has(step[1]!)) seen.set(step[1]!, now);
          if (text.includes("event: end")) resolve();
        });
        body.on("end", () => resolve());
        body.on("error", reject);
      }),
  );
}

describe("nginx with TLS in front of Runport (deploy/nginx/runport.conf)", () => {
  it("redirects plain HTTP to HTTPS", async () => {
    const answer = await fetch(`http://127.0.0.1:${nginx.httpPort}/runs?x=1`, {
      redirect: "manual",
    });
    expect(answer.status).toBe(301);
    expect(answer.headers.get("location")).toBe("https://127.0.0.1/runs?x=1");
  });

  it("signs in over TLS: Secure session cookie, HSTS, and the address nginx saw, not the client's claim", async () => {
    const forged = { "X-Forwarded-For": "203.0.113.77", "X-Forwarded-Proto": "http" };
    const csrf = await get("/api/auth/csrf", forged);
    expect(csrf.headers["strict-transport-security"]).toBe("max-age=31536000");
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const signIn = await tls(nginx.caFile, `${nginx.httpsUrl}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        ...forged,
        "Content-Type": "application/x-www-form-urlencoded",
        Cookie: cookies(csrf.headers)
          .map((c) => c.split(";")[0])
          .join("; "),
      },
      body: new URLSearchParams({ csrfToken, username: user, password, json: "true" }).toString(),
    });
    const session = cookies(signIn.headers).find((c) =>
      c.startsWith("__Secure-next-auth.session-token="),
    );
    expect(session, JSON.stringify(signIn.headers)).toBeDefined();
    expect(session).toMatch(/;\s*Secure/i);
    expect(session).toMatch(/;\s*HttpOnly/i);
    const runs = await get("/api/v1/runs?limit=1", { Cookie: session!.split(";")[0]! });
    expect(runs.status).toBe(200);
    expect(runs.headers["strict-transport-security"]).toBe("max-age=31536000");

    // TRUST_PROXY=1: the address is nginx's last X-Forwarded-For entry (127.0.0.1 here),
    // never the one the client put first.
    const audit = await get(`/api/v1/audit?action=sign-in&target=user:${user}`, {
      Authorization: adminAuth,
    });
    expect(audit.status, audit.body).toBe(200);
    const { items } = JSON.parse(audit.body) as { items: { outcome: string; ip: string }[] };
    expect(items.map((i) => [i.outcome, i.ip])).toEqual([["ok", "127.0.0.1"]]);
  });

  it("passes a 60 MiB spreadsheet to the app, refuses one over MAX_BODY_BYTES itself", async () => {
    // More rows than the app's CSV reader takes (20,000): the app must read all 60 MiB to
    // say so. (Long cells instead make the reader run out of its memory allowance.)
    const row = "sample1,data/sample1_R1.fastq.gz,R1\n";
    const csv = Buffer.from(
      "sampleName,fastqPath,fastqCode\n" + row.repeat(Math.ceil((60 << 20) / row.length)),
    );
    expect(csv.length).toBeGreaterThanOrEqual(60 << 20);
    const upload = (body: Buffer | undefined, headers: Record<string, string> = {}) =>
      tls(nginx.caFile, `${nginx.httpsUrl}/api/v1/spreadsheets/convert?pipeline=fastq-qc@1.0.0`, {
        method: "POST",
        headers: { Authorization: basic(user, password), "Content-Type": "text/csv", ...headers },
        body,
      });
    const since = Date.now();
    const answer = await upload(csv);
    console.log(`60 MiB CSV through nginx: ${answer.status} in ${Date.now() - since} ms`);
    // The app's own verdict on the whole file, not a 413 from nginx or from the app.
    expect(answer.status, answer.body.slice(0, 300)).toBe(422);
    const problem = JSON.parse(answer.body) as { code: string; detail: string };
    expect(problem.code).toBe("UNREADABLE_SPREADSHEET");
    expect(problem.detail).toContain("more than 20001 rows");
    // One byte over client_max_body_size (= MAX_BODY_BYTES): nginx answers before any body.
    const over = await upload(undefined, { "Content-Length": String(nginxBodyLimit() + 1) });
    expect(over.status).toBe(413);
  });

  it("delivers the live log line by line, within 1 s of the web process's own stream", async () => {
    const submitted = await tls(nginx.caFile, `${nginx.httpsUrl}/api/v1/runs`, {
      method: "POST",
      headers: { Authorization: basic(user, password), "Content-Type": "application/json" },
      body: JSON.stringify({
        pipeline: "hello@1.0.0",
        config: { name: "nginx", sleepSeconds: 6, steps: 6 },
      }),
    });
    expect(submitted.status, submitted.body).toBe(201);
    const { id } = JSON.parse(submitted.body) as { id: string };
    const headers = { Authorization: basic(user, password), Accept: "text/event-stream" };
    const [viaNginx, viaDirect] = [new Map<string, number>(), new Map<string, number>()];
    await Promise.all([
      follow(
        () =>
          new Promise((resolve, reject) =>
            httpsRequest(`${nginx.httpsUrl}/api/v1/runs/${id}/logs`, {
              headers,
              ca: readFileSync(nginx.caFile),
            })
              .on("response", resolve)
              .on("error", reject)
              .end(),
          ),
        viaNginx,
      ),
      follow(async () => {
        const response = await fetch(`${direct}/api/v1/runs/${id}/logs`, { headers });
        return Readable.fromWeb(response.body! as never);
      }, viaDirect),
    ]);
    const lags = [...viaDirect].map(([step, at]) => (viaNginx.get(step) ?? Infinity) - at);
    console.log(`live-log lag through nginx (ms, per step): ${lags.join(", ")}`);
    expect(lags).toHaveLength(6);
    for (const lag of lags) expect(lag).toBeLessThanOrEqual(1000);
    // Line by line: the steps came a second apart through nginx, not all at the end.
    expect(viaNginx.get("6")! - viaNginx.get("1")!).toBeGreaterThan(2500);
  });

  it("accepts the old portal's curl command over https:// with --cacert", async () => {
    const { stdout } = await exec(
      "curl",
      [
        "--request",
        "POST",
        "--user",
        `${user}:${password}`,
        "--header",
        "Content-type: application/json",
        "-d",
        "@example.json",
        "--cacert",
        nginx.caFile,
        `${nginx.httpsUrl}/api/v1/new-run/`,
      ],
      { cwd: path.resolve("pipelines/fastq-qc") },
    );
    expect(JSON.parse(stdout)).toMatchObject({ status: "queued", name: "demo-qc" });
  });
});
