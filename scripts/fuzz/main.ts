// `npm run fuzz`: the property-based fuzzer of the submission paths and query strings
// (issue 10) against the production build's web process on a database and Redis prefix
// of its own. Needs `npm run build`. Prints the figures and writes fuzz-results/fuzz.json;
// exits 1 when any case failed.
//   FUZZ_CASES=10000           cases in all, shared between the paths
//   FUZZ_SEED=<n>              the first path's seed (the others: n+1, n+2...); default: random
//   FUZZ_TARGET=<name> FUZZ_SEED=<n> FUZZ_PATH=<p>   replay one failure as printed
//   FUZZ_PROCESSES=web                              the web process alone (default: all three)
//   FUZZ_SCALE=0.01                                  smaller costly inputs (1: past the body limit)
//   FUZZ_ONLY=multipart                              only the paths whose name contains this
//   FUZZ_VERBOSE=1                                   every refusal reason, not the top four
//   FUZZ_NODE_OPTIONS='--require ./profile.cjs'      NODE_OPTIONS of the web, worker and beat
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createAppContext } from "@/server/context";
import { loadConfig } from "@/server/env";
import { createUser } from "@/server/users/create-user";
import { createTestResources } from "@/test/resources";
import { startStack } from "@/test/stack";
import { openRunCounter } from "./count-runs";
import { printFigures } from "./print-figures";
import { runFuzz } from "./run-fuzz";
import { collectSeeds, createToken } from "./seeds";
import { fuzzTargets } from "./targets";
import { watchWebProcess } from "./web-process";

const outDir = path.resolve("fuzz-results");
const cases = Number(process.env.FUZZ_CASES ?? 10_000);
const scale = Number(process.env.FUZZ_SCALE ?? 1);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const processes = (process.env.FUZZ_PROCESSES ?? "web,worker,beat").split(",") as (
  "web" | "worker" | "beat"
)[];
const only = process.env.FUZZ_ONLY;
const replay =
  process.env.FUZZ_TARGET && process.env.FUZZ_PATH !== undefined
    ? { target: process.env.FUZZ_TARGET, path: process.env.FUZZ_PATH }
    : undefined;

async function main(): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const resources = await createTestResources();
  const stack = await startStack({
    ...resources,
    processes,
    adminPassword: "fuzz-admin-1",
    logDir: path.join(outDir, "processes"),
    ...(process.env.FUZZ_NODE_OPTIONS
      ? { env: { NODE_OPTIONS: process.env.FUZZ_NODE_OPTIONS } }
      : {}),
  });
  const ctx = createAppContext({ ...loadConfig(stack.env), logLevel: "warn" }, "fuzz");
  const counter = await openRunCounter(resources.databaseUrl, "fuzz");
  try {
    const password = "fuzz-password-1";
    await createUser(ctx, { username: "fuzz", role: "submitter", password });
    const basic = `Basic ${Buffer.from(`fuzz:${password}`).toString("base64")}`;
    const token = await createToken(stack.baseUrl, basic);
    const seeds = await collectSeeds(stack.baseUrl, basic, scale);
    const web = watchWebProcess(stack.baseUrl);
    console.log(`fuzz: ${cases} cases, seed ${seed}, web pid ${web.pid}, ${stack.baseUrl}`);
    const figures = await runFuzz({
      server: {
        baseUrl: stack.baseUrl,
        countRuns: () => counter.count(),
        webGone: () => web.gone(),
      },
      targets: fuzzTargets(seeds).filter((t) => !only || t.name.includes(only)),
      authorizations: [
        basic,
        `Bearer ${token}`,
        `Basic ${Buffer.from(`fuzz:${token}`).toString("base64")}`,
      ],
      cases,
      seed,
      ...(replay ? { replay } : {}),
      progress: (line) => console.log(`  ${line}`),
    });
    const gone = await web.gone(true);
    if (gone)
      figures.failures.push({ target: "web", problems: [gone], request: "", seed, path: "" });
    printFigures(figures, web.pid, process.env.FUZZ_VERBOSE === "1");
    writeFileSync(path.join(outDir, "fuzz.json"), JSON.stringify({ seed, ...figures }, null, 2));
    const healthy = figures.health.maxMs <= 100 && figures.health.failed === 0;
    console.log(`/api/health within 100 ms throughout: ${healthy ? "yes" : "NO"}`);
    return figures.failures.length > 0 || figures.stored !== figures.accepted || !healthy ? 1 : 0;
  } finally {
    await counter.close();
    await ctx.close();
    await stack.stop();
    await resources.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
