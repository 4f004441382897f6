import { ZCreateRunRequest, ZLegacyRunRequest } from "@/lib/contract/runs";
import { parseJsonDocument, type JsonDocument } from "../http/json-body";

/** The request reduced to what a run needs. */
export interface RunRequest {
  pipeline: string;
  config: unknown;
  /** The config's text exactly as submitted. */
  configText: string;
  /** Where the config sits in the document ("" or "/config"), for error paths. */
  configPointer: string;
  name: string | null;
  labels: Record<string, string>;
  hold: boolean;
  priority: number;
}

const subject = "The run request";

/**
 * Reads either format's envelope from the submitted text (parsed once, scanned once):
 * 400 with line and column when it is not JSON, 422 (with positions) when it is not a
 * run request. The document comes back to locate later problems in.
 */
export function readRunRequest(
  text: string,
  format: "runs" | "legacy",
): { doc: JsonDocument; request: RunRequest } {
  if (format === "legacy") {
    const doc = parseJsonDocument(text, ZLegacyRunRequest, { subject });
    const { project } = doc.value;
    const request = {
      pipeline: doc.value.pipeline,
      config: doc.value,
      configText: text,
      configPointer: "",
      // The old portal named runs after the project (when it is a usable name).
      name: typeof project === "string" && project.length <= 255 ? project : null,
      labels: {},
      hold: false,
      priority: 0,
    };
    return { doc, request };
  }
  const doc = parseJsonDocument(text, ZCreateRunRequest, { subject, spans: ["/config"] });
  const body = doc.value;
  const request = {
    pipeline: body.pipeline,
    config: body.config,
    configText: doc.textAt("/config") ?? JSON.stringify(body.config),
    configPointer: "/config",
    name: body.name ?? null,
    labels: body.labels ?? {},
    hold: body.hold ?? false,
    priority: body.priority ?? 0,
  };
  return { doc, request };
}
