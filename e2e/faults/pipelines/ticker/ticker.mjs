// Prints "tick 000001" ... one line every intervalMs, then exits 0: a run whose log can be
// checked line by line after a fault in the middle of it.
import { readFileSync } from "node:fs";

const { lines, intervalMs } = JSON.parse(readFileSync(process.argv[2], "utf8"));
let next = 1;
const timer = setInterval(() => {
  process.stdout.write(`tick ${String(next).padStart(6, "0")}\n`);
  if (++next > lines) clearInterval(timer);
}, intervalMs);
