// The web app as PM2 runs it (ecosystem.config.js): Next.js's own `next start`, with the
// arguments that follow "--next". Not next's bin as the script itself: in PM2's cluster mode
// (WEB_INSTANCES > 1) under pm2-runtime (`npm start`), node's cluster module gives each web
// process the runtime's own arguments (`start ecosystem.config.js`) before the app's, and
// `next start` took the process file for its project folder and exited
// (docs/notes/several-web-processes.md). Here the arguments are exactly the app's.
const next = require.resolve("next/dist/bin/next");
const marker = process.argv.indexOf("--next");
if (marker < 0) throw new Error('scripts/next-start.cjs: no "--next" among the arguments');
process.argv = [process.argv[0], next, ...process.argv.slice(marker + 1)];
require(next);
