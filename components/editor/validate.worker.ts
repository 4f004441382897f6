/// <reference lib="webworker" />
// Checks the editor's text off the main thread with the server's own code, so that a
// document of megabytes never stalls typing and the markers say what the server says.
import type { ValidateFunction } from "ajv";
import { isJsonObject } from "@/lib/json/parse-json";
import { checkConfigText } from "@/lib/schema/check-config-text";
import { compileSchema } from "@/lib/schema/validate-config";
import type { TextEdit, ValidationMessage, ValidationResponse } from "./validation-protocol";

let text = "";
let compiled: { key: string; validate: ValidateFunction | null } | null = null;

function validatorFor(schemaKey: string, schema: Record<string, unknown>): ValidateFunction | null {
  if (compiled?.key === schemaKey) return compiled.validate;
  let validate: ValidateFunction | null = null;
  try {
    validate = compileSchema(schema);
  } catch {
    // A broken schema is the pipeline author's problem; syntax checks go on.
  }
  compiled = { key: schemaKey, validate };
  // Warm the paths a first mistake takes (error objects, locating), so the first
  // marker after a keystroke is as quick as the next ones.
  if (validate) checkConfigText('{"\u0000": [0]}', validate);
  return validate;
}

/** Applies Monaco's edits (each against the text before the event), last offset first. */
function apply(edits: TextEdit[]): void {
  for (const edit of [...edits].sort((a, b) => b.offset - a.offset)) {
    text = text.slice(0, edit.offset) + edit.text + text.slice(edit.offset + edit.length);
  }
}

function field(value: unknown, name: string): string | null {
  const found = isJsonObject(value) ? value[name] : null;
  return typeof found === "string" ? found : null;
}

self.onmessage = (event: MessageEvent<ValidationMessage>) => {
  const message = event.data;
  if (message.type === "reset") text = message.text;
  else if (message.type === "edit") apply(message.edits);
  else {
    const started = performance.now();
    const outOfSync = text.length !== message.length;
    const result = outOfSync
      ? { problems: [], warnings: [], value: undefined }
      : checkConfigText(
          text,
          validatorFor(message.schemaKey, message.schema),
          message.unknownProperties,
        );
    const response: ValidationResponse = {
      id: message.id,
      version: message.version,
      schemaKey: message.schemaKey,
      problems: result.problems,
      warnings: result.warnings,
      pipeline: field(result.value, "pipeline"),
      project: field(result.value, "project"),
      valid: result.value !== undefined && result.problems.length === 0,
      outOfSync,
      ms: performance.now() - started,
    };
    self.postMessage(response);
  }
};
