import { execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "@/test/stack";

const exec = promisify(execFile);
export const NGINX_CONF = path.resolve("deploy/nginx/runport.conf");

export interface Nginx {
  httpPort: number;
  httpsUrl: string;
  /** The self-signed certificate: the CA a client must trust. */
  caFile: string;
  stop(): Promise<void>;
}

/** The committed site file with this machine's ports and certificate (nothing else changed). */
export function siteConfig(o: { upstream: number; http: number; https: number; dir: string }) {
  const replacements: [string, string][] = [
    ["server 127.0.0.1:3000;", `server 127.0.0.1:${o.upstream};`],
    ["listen 80;", `listen 127.0.0.1:${o.http};`],
    ["listen 443 ssl http2;", `listen 127.0.0.1:${o.https} ssl http2;`],
    ["/etc/ssl/certs/runport.pem", path.join(o.dir, "cert.pem")],
    ["/etc/ssl/private/runport.key", path.join(o.dir, "key.pem")],
  ];
  let text = readFileSync(NGINX_CONF, "utf8");
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`${NGINX_CONF} no longer contains "${from}"`);
    text = text.replaceAll(from, to);
  }
  return text;
}

/** client_max_body_size of the committed file, in bytes. */
export function nginxBodyLimit(): number {
  const match = /client_max_body_size (\d+)([km]?);/.exec(readFileSync(NGINX_CONF, "utf8"));
  if (!match) throw new Error(`no client_max_body_size in ${NGINX_CONF}`);
  const unit = { "": 1, k: 1024, m: 1024 * 1024 }[match[2] as "" | "k" | "m"];
  return Number(match[1]) * unit;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Debian's nginx in the foreground (a child of the test) with the committed site file in
 * front of `upstream`, a self-signed certificate for 127.0.0.1 made with openssl, and every
 * path of its own under `dir` (temporary files, pid, logs).
 */
export async function startNginx(upstream: number, dir: string): Promise<Nginx> {
  mkdirSync(path.join(dir, "temp"), { recursive: true });
  const [caFile, keyFile] = [path.join(dir, "cert.pem"), path.join(dir, "key.pem")];
  await exec("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-keyout", keyFile, "-out", caFile,
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ]); // prettier-ignore
  const [http, https] = [await freePort(), await freePort()];
  writeFileSync(path.join(dir, "runport.conf"), siteConfig({ upstream, http, https, dir }));
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, "temp", name)};`;
  writeFileSync(
    path.join(dir, "nginx.conf"),
    [
      // The main file a Debian install has in /etc/nginx/nginx.conf, reduced to paths of our own.
      ...(process.getuid?.() === 0 ? ["user root;"] : []),
      "daemon off;",
      "worker_processes 1;",
      `pid ${path.join(dir, "nginx.pid")};`,
      `error_log ${path.join(dir, "error.log")} warn;`,
      "events { worker_connections 512; }",
      "http {",
      `  access_log ${path.join(dir, "access.log")};`,
      `  client_${temp("body")} ${temp("proxy")} ${temp("fastcgi")} ${temp("uwsgi")} ${temp("scgi")}`,
      `  include ${path.join(dir, "runport.conf")};`,
      "}",
    ].join("\n"),
  );
  const args = ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")];
  await exec("/usr/sbin/nginx", [...args, "-t"]);
  const child = spawn("/usr/sbin/nginx", args, { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 20_000;
  while (!(await portOpen(https))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not start: ${readFileSync(path.join(dir, "error.log"), "utf8")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { httpPort: http, httpsUrl: `https://127.0.0.1:${https}`, caFile, stop };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request trusting only `ca` (fetch cannot be given a CA without undici). */
export function tls(
  ca: string,
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: o.method ?? "GET", headers: o.headers, ca: readFileSync(ca) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}
