/**
 * What the generators start from, taken from the product itself: the shipped pipelines'
 * schemas and examples, the templates the running server generates (blank and filled
 * with the example), a CSV as LibreOffice exports it, and a real run's id.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FuzzPipeline, FuzzSeeds } from "./fuzz-request";
import type { JsonSchema } from "./schema-values";

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** The pipelines in `pipelines/` (name@version, schema, example). */
export function shippedPipelines(root = "pipelines"): FuzzPipeline[] {
  return readdirSync(root).map((folder) => {
    const dir = path.join(root, folder);
    const manifest = readJson<{ name: string; version: string; schema: string; example: string }>(
      path.join(dir, "pipeline.json"),
    );
    return {
      ref: `${manifest.name}@${manifest.version}`,
      schema: readJson<JsonSchema>(path.join(dir, manifest.schema)),
      example: readJson<Record<string, unknown>>(path.join(dir, manifest.example)),
    };
  });
}

/** The rows of every array of objects in an example, as CSV (header from the first item). */
function csvOf(example: Record<string, unknown>): string[] {
  return Object.values(example)
    .filter((v): v is Record<string, string>[] => Array.isArray(v) && typeof v[0] === "object")
    .map((items) => {
      const columns = Object.keys(items[0]!);
      const rows = items.map((item) => columns.map((c) => String(item[c] ?? "")).join(","));
      return [columns.join(","), ...rows].join("\n");
    });
}

async function fetchOk(url: string, init: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response;
}

/** Seeds from disk and from the running server (`authorization` may submit). */
export async function collectSeeds(
  baseUrl: string,
  authorization: string,
  scale = 1,
): Promise<FuzzSeeds> {
  const pipelines = shippedPipelines();
  const headers = { Authorization: authorization };
  const workbooks: Uint8Array[] = [];
  for (const pipeline of pipelines) {
    const name = pipeline.ref.split("@")[0]!;
    for (const query of ["", "?example=true"]) {
      const url = `${baseUrl}/api/v1/pipelines/${name}/template.xlsx${query}`;
      workbooks.push(new Uint8Array(await (await fetchOk(url, { headers })).arrayBuffer()));
    }
  }
  // Workbooks other programs wrote: openpyxl's .xlsx, Gnumeric's .ods and .xls.
  for (const file of ["openpyxl-filled.xlsx", "gnumeric-filled.ods", "gnumeric-filled.xls"]) {
    workbooks.push(new Uint8Array(readFileSync(`test/fixtures/workbooks/${file}`)));
  }
  const csvTexts = [
    ...pipelines.flatMap((p) => csvOf(p.example)),
    readFileSync("server/spreadsheets/fixtures/libreoffice-samples.csv", "utf8"),
  ];
  const hello = pipelines.find((p) => p.ref.startsWith("hello@")) ?? pipelines[0]!;
  const run = await fetchOk(`${baseUrl}/api/v1/runs`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({
      pipeline: hello.ref,
      config: hello.example,
      hold: true,
      name: "fuzz seed",
    }),
  });
  const { id } = (await run.json()) as { id: string };
  return { pipelines, workbooks, csvTexts, runIds: [id, "01m87ckxvcds6fp772khzjgxz4"], scale };
}

/** A token of the user, made through the API as a person would (POST /api/v1/tokens). */
export async function createToken(baseUrl: string, basic: string): Promise<string> {
  const response = await fetchOk(`${baseUrl}/api/v1/tokens`, {
    method: "POST",
    headers: { Authorization: basic, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "fuzz" }),
  });
  return ((await response.json()) as { token: string }).token;
}
