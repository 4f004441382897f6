import { ZWesRunForm, WES_ENGINE_PARAMETERS } from "@/lib/contract/wes";
import { isJsonObject, parseJson } from "@/lib/json/parse-json";
import { AppError } from "../errors";
import { mediaType, readBody } from "../http/read-body";
import { RUNPORT_ENGINE, RUNPORT_ENGINE_VERSIONS } from "./wes-service-info";

/** What POST /ga4gh/wes/v1/runs asks for, checked; `params` is the config's text as sent. */
export interface WesRunForm {
  pipeline: string;
  params: string;
  labels?: Record<string, string>;
  name?: string;
  priority?: number;
  hold?: boolean;
}

const FIELDS = new Set(Object.keys(ZWesRunForm.shape));

/** A problem of one form field: its JSON Pointer (`/tags/x`) and what is wrong. */
const bad = (path: string, message: string) =>
  new AppError("BAD_REQUEST", "The RunWorkflow form is not valid", {
    errors: [{ path, message }],
  });

/** A form field holding a JSON object (workflow_params, tags, ...), read with the API's parser. */
function jsonObject(field: string, text: string): Record<string, unknown> {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { line, column } = parsed.position;
    throw new AppError("BAD_REQUEST", `${field} is not valid JSON: ${parsed.message}`, {
      errors: [{ path: `/${field}`, message: parsed.message, line, column }],
    });
  }
  if (!isJsonObject(parsed.value)) throw bad(`/${field}`, "must be a JSON object");
  return parsed.value;
}

function stringObject(field: string, text: string | undefined): Record<string, string> {
  if (text === undefined || text.trim() === "") return {};
  const object = jsonObject(field, text);
  for (const [key, value] of Object.entries(object))
    if (typeof value !== "string") throw bad(`/${field}/${key}`, "must be a string");
  return object as Record<string, string>;
}

/** workflow_engine_parameters → the run's name, priority and hold. */
function engineParameters(text: string | undefined): Partial<WesRunForm> {
  const params = stringObject("workflow_engine_parameters", text);
  const known = new Set<string>(WES_ENGINE_PARAMETERS.map((p) => p.name));
  const out: Partial<WesRunForm> = {};
  for (const [key, value] of Object.entries(params)) {
    const path = `/workflow_engine_parameters/${key}`;
    if (!known.has(key)) throw bad(path, `unknown parameter; known: ${[...known].join(", ")}`);
    if (key === "name") out.name = value;
    if (key === "priority") {
      if (!/^-?\d{1,9}$/.test(value)) throw bad(path, "must be an integer");
      out.priority = Number(value);
    }
    if (key === "hold") {
      if (value !== "true" && value !== "false") throw bad(path, 'must be "true" or "false"');
      out.hold = value === "true";
    }
  }
  return out;
}

/**
 * Reads the multipart (or urlencoded) form of RunWorkflow within MAX_BODY_BYTES. Files are
 * refused: Runport runs registered pipelines, never uploaded workflows, so a
 * `workflow_attachment` is answered 400 and nothing is stored. Unknown and repeated
 * fields are refused too (a typo must not be ignored).
 */
export async function readWesRunForm(request: Request, limit: number): Promise<WesRunForm> {
  const type = mediaType(request);
  if (type !== "multipart/form-data" && type !== "application/x-www-form-urlencoded") {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Send RunWorkflow as multipart/form-data${type ? `; got ${type}` : ""}`,
    );
  }
  const body = await readBody(request, limit);
  let form: FormData;
  try {
    const headers = { "content-type": request.headers.get("content-type") ?? type };
    form = await new Response(new Uint8Array(body), { headers }).formData();
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not a readable form");
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string" || name === "workflow_attachment") {
      throw bad(
        `/${name}`,
        "files are not accepted (workflow_attachment is not supported): Runport runs its registered pipelines; name one in workflow_url, e.g. fastq-qc@1.0.0",
      );
    }
    if (!FIELDS.has(name)) throw bad(`/${name}`, "is not a RunWorkflow field");
    if (name in fields) throw bad(`/${name}`, "is given twice");
    fields[name] = value;
  }
  const parsed = ZWesRunForm.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw bad(`/${issue.path.join("/")}`, issue.message);
  }
  const form_ = parsed.data;
  if (form_.workflow_engine !== undefined && form_.workflow_engine !== RUNPORT_ENGINE)
    throw bad("/workflow_engine", `must be ${RUNPORT_ENGINE}`);
  const version = form_.workflow_engine_version;
  if (version !== undefined && !RUNPORT_ENGINE_VERSIONS.includes(version))
    throw bad("/workflow_engine_version", `must be one of ${RUNPORT_ENGINE_VERSIONS.join(", ")}`);
  jsonObject("workflow_params", form_.workflow_params);
  const labels = stringObject("tags", form_.tags);
  return {
    pipeline: form_.workflow_url,
    params: form_.workflow_params,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...engineParameters(form_.workflow_engine_parameters),
  };
}
