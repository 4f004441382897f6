// The cost of a wide JSON document on the submission path (issue 10, finding 5): a flat
// config object with 600,000 keys, through what the web does before anything is stored
// (parse, scan, envelope, the pipeline's schema). `npx tsx scripts/bench/json-width.ts`
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { compileSchema, validateWith } from "@/lib/schema/validate-config";
import { readRunRequest } from "@/server/runs/read-run-request";

const KEYS = Number(process.argv[2] ?? 600_000);
const schema = JSON.parse(readFileSync("pipelines/hello/schema.json", "utf8")) as Record<
  string,
  unknown
>;
const validate = compileSchema(schema);

function wideDocument(keys: number): string {
  const parts = ['{"pipeline":"hello","name":"x"'];
  for (let i = 0; i < keys; i++) parts.push(`,"k${i}":${i}`);
  return `${parts.join("")}}`;
}

const text = wideDocument(KEYS);
for (let round = 1; round <= 3; round++) {
  const start = performance.now();
  let outcome: string;
  try {
    const { request } = readRunRequest(text, "legacy");
    const problems = validateWith(validate, request.config);
    outcome = `read; the schema check found ${problems.length} problems`;
  } catch (error) {
    outcome = `refused: ${error instanceof Error ? error.message : String(error)}`;
  }
  const ms = performance.now() - start;
  console.log(
    `${KEYS} keys, ${(text.length / 1e6).toFixed(1)} MB, round ${round}: ${ms.toFixed(1)} ms (${outcome})`,
  );
}
