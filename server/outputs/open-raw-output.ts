import { previewKind, rawMediaType } from "@/lib/outputs/preview-kind";
import type { Principal } from "../auth/principal";
import type { AppContext } from "../context";
import { AppError } from "../errors";
import { openOutput, type OpenedOutput } from "./open-output";
import { PREVIEW_MAX_BYTES, pipelineAllowsScripts } from "./preview-output";

/**
 * The Content-Security-Policy of an output shown inline. `sandbox` without
 * allow-same-origin gives the document an opaque origin: it cannot read the portal's
 * cookies, storage or API, whatever it contains. Nothing is fetched: no network, no
 * subresources but inline styles and data: images; scripts only when the pipeline opts in
 * (`previewScripts`), and then still sandboxed. Only the portal's own pages may frame it.
 */
export function rawOutputPolicy(kind: "image" | "html", scripts: boolean): string {
  return [
    scripts && kind === "html" ? "sandbox allow-scripts" : "sandbox",
    "default-src 'none'",
    "img-src data:",
    "style-src 'unsafe-inline'",
    "font-src data:",
    ...(scripts && kind === "html" ? ["script-src 'unsafe-inline'"] : []),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join("; ");
}

export interface RawOutput {
  output: OpenedOutput;
  mediaType: string;
  policy: string;
}

/**
 * An image or HTML output to show inline (GET .../outputs/{outputId}/raw), authorized as
 * its download. NOT_FOUND for other kinds (download them) and over the preview limits.
 * SVG is served as an image with the same sandboxing policy: opened on its own, its
 * scripts do not run either.
 */
export async function openRawOutput(
  ctx: Pick<AppContext, "db">,
  options: { principal: Principal; runId: string; outputId: string },
): Promise<RawOutput> {
  const output = await openOutput(ctx, options);
  const kind = previewKind(output.path);
  const mediaType = rawMediaType(output.path);
  const refuse = (detail: string) => {
    void output.stream.cancel().catch(() => undefined);
    return new AppError("NOT_FOUND", detail);
  };
  if ((kind !== "image" && kind !== "html") || mediaType === null) {
    throw refuse(`"${output.path}" has no inline view: download it`);
  }
  if (output.size > PREVIEW_MAX_BYTES[kind]) {
    throw refuse(
      `"${output.path}" is over the inline view's limit (${PREVIEW_MAX_BYTES[kind]} bytes): download it`,
    );
  }
  const scripts = kind === "html" && (await pipelineAllowsScripts(ctx, output.pipelineId));
  return { output, mediaType, policy: rawOutputPolicy(kind, scripts) };
}
