// `node test/web-cluster.cjs N --next start --port P ...`: N `next start` processes on one
// port through node's cluster module, which is what PM2's cluster mode does for
// WEB_INSTANCES > 1 (ecosystem.config.js): the primary holds the listening socket and hands
// each new connection to the next process. For the bench and tests (test/stack.ts), without a
// PM2 daemon. SIGTERM/SIGINT are passed on to the web processes; the primary exits after them.
const cluster = require("node:cluster");
const path = require("node:path");

const [count, ...args] = process.argv.slice(2);
cluster.setupPrimary({ exec: path.join(__dirname, "../scripts/next-start.cjs"), args });
for (let i = 0; i < Number(count); i++) cluster.fork();
for (const signal of ["SIGTERM", "SIGINT"])
  process.on(signal, () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  });
cluster.on("exit", () => {
  if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
});
