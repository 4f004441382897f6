/** The create form's pure parts: version choices, the request body, problems per field. */
import { messageOf, ApiProblem, type FieldProblem } from "@/components/ui/api-client";

export interface PipelineChoice {
  name: string;
  latest: string | null;
  versions: string[];
}

export type Problems = Partial<
  Record<"name" | "pipeline" | "cron" | "timeZone" | "other", string>
> & {
  config?: FieldProblem[];
};

export const FIELDS = ["name", "pipeline", "cron", "timeZone"] as const;

export function selectorsOf(pipeline: PipelineChoice | undefined): string[] {
  if (!pipeline) return [];
  return [pipeline.latest ? "latest" : "dev", ...pipeline.versions];
}

/**
 * The body as text with the config textarea's text embedded as typed, all on the first
 * line before it: a problem's line in the body is then its line in the textarea.
 */
export function bodyText(fields: Record<string, string>, configText: string): string {
  const head = JSON.stringify(fields).slice(0, -1);
  return `${head},"config":${configText}}`;
}

/** Spreads the API's problems over the fields; what has no field goes to the general alert. */
export function problemsOf(error: unknown): Problems {
  if (!(error instanceof ApiProblem) || error.errors.length === 0) {
    return { other: messageOf(error) };
  }
  const result: Problems = {};
  for (const field of FIELDS) {
    const found = error.under(`/${field}`)[0];
    if (found) result[field] = found.message;
  }
  const config = error.under("/config");
  if (config.length > 0) result.config = config;
  const placed = FIELDS.some((f) => result[f]) || config.length > 0;
  if (!placed)
    result.other = `${error.message}: ${error.errors.map((e) => `${e.path} ${e.message}`).join("; ")}`;
  return result;
}
