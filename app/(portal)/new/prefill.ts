import type { InitialRun } from "./new-run-state";

/**
 * The most config text a link may carry (`/new?config=`): links are for small configs. The
 * HTTP server's own limits come first (Node: 16 KiB of request line and headers; nginx's
 * defaults: an 8 KiB request line), so this bound matters only where they were raised.
 */
export const PREFILL_MAX_CHARS = 64 * 1024;

/**
 * What `/new?pipeline=&config=` asks for: the config's text (pretty-printed when it is
 * JSON; kept as it is when not, so the editor shows where it is wrong), and the pipeline
 * named by `pipeline`, else by the config's own `pipeline` field. A text over the limit is
 * not loaded; a notice says why. Null when the link carries no config.
 */
export function prefillFromLink(
  config: string | undefined,
  pipeline: string | undefined,
  fallbackPipeline: string,
): InitialRun | null {
  if (config === undefined) return null;
  const base = { name: null, from: null };
  if (config.length > PREFILL_MAX_CHARS) {
    const kib = Math.ceil(config.length / 1024);
    return {
      ...base,
      pipeline: pipeline ?? fallbackPipeline,
      text: null,
      notice: `The config in the link is ${kib} KiB, over the ${PREFILL_MAX_CHARS / 1024} KiB a link may carry: it was not loaded. Paste it in the JSON tab or upload it instead.`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(config);
  } catch {
    return {
      ...base,
      pipeline: pipeline ?? fallbackPipeline,
      text: config,
      notice:
        "The config in the link is not valid JSON: it is loaded as it is, to fix in the JSON tab.",
    };
  }
  const named =
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>).pipeline
      : undefined;
  return {
    ...base,
    pipeline: pipeline ?? (typeof named === "string" && named ? named : fallbackPipeline),
    text: `${JSON.stringify(value, null, 2)}\n`,
    notice: "Loaded the config from the link: check it and submit.",
  };
}
