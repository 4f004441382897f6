import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

const DEFINITION_FILE = "pipeline.json";

/** name and version of a pipeline.json, or null when it is not one. */
async function nameAndVersion(file: string): Promise<string | null> {
  try {
    const spec = JSON.parse(await readFile(file, "utf8")) as { name?: unknown; version?: unknown };
    return typeof spec.name === "string" && typeof spec.version === "string"
      ? `${spec.name}@${spec.version}`
      : null;
  } catch {
    return null;
  }
}

/**
 * The folder of a pipeline version on this machine's PIPELINES_PATH, found as the loader
 * finds definitions (a root, its subfolders and theirs; the first definition wins), or
 * null when this process does not have it (the web of a site whose pipelines live only on
 * the workers). Read each time: a few small files, and never stale.
 */
export async function findPipelineDir(
  pipelinesPath: readonly string[],
  pipeline: { name: string; version: string },
): Promise<string | null> {
  const wanted = `${pipeline.name}@${pipeline.version}`;
  const visit = async (dir: string, depth: number): Promise<string | null> => {
    const file = path.join(dir, DEFINITION_FILE);
    const key = await nameAndVersion(file);
    if (key !== null) return key === wanted ? path.resolve(dir) : null;
    if (depth === 0) return null;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const folders = entries
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
    for (const name of folders) {
      const found = await visit(path.join(dir, name), depth - 1);
      if (found) return found;
    }
    return null;
  };
  for (const root of pipelinesPath) {
    const found = await visit(root, 2);
    if (found) return found;
  }
  return null;
}
