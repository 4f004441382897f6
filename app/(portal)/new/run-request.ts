import { isJsonObject, parseJson } from "@/lib/json/parse-json";
import type { FieldProblem } from "@/components/ui/api-client";

/**
 * The body of POST /api/v1/runs with the config as its own text, byte for byte. The
 * text must be one JSON object (checked here again, so that nothing can be spliced
 * into the envelope); returns null otherwise.
 */
export function buildRunRequest(
  pipeline: string,
  name: string,
  text: string,
): { body: string; prefix: number } | null {
  const parsed = parseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) return null;
  const prefix = `{"pipeline":${JSON.stringify(pipeline)},${name ? `"name":${JSON.stringify(name)},` : ""}"config":`;
  return { body: `${prefix}${text}}`, prefix: prefix.length };
}

/**
 * The server's problems, in the editor's terms: paths without "/config", and positions
 * moved back by the envelope's prefix (which shares the config's first line).
 */
export function toEditorProblems(errors: FieldProblem[], prefix: number): FieldProblem[] {
  return errors.map(({ path, message, line, column }) => {
    const problem = { path: path.replace(/^\/config/, ""), message };
    if (line === undefined || column === undefined) return problem;
    const moved = line === 1 ? column - prefix : column;
    return moved >= 1 ? { ...problem, line, column: moved } : problem;
  });
}
