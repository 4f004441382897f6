/// <reference lib="webworker" />
// Checks the editor's text off the main thread with the server's own code, so that a
// document of megabytes never stalls typing and the markers say what the server says.
import type { ValidateFunction } from "ajv";
import { checkConfigText } from "@/lib/schema/check-config-text";
import { compileSchema } from "@/lib/schema/validate-config";
import type { ValidationRequest, ValidationResponse } from "./validation-protocol";

let compiled: { key: string; validate: ValidateFunction | null } | null = null;

function validatorFor(request: ValidationRequest): ValidateFunction | null {
  if (compiled?.key !== request.schemaKey) {
    let validate: ValidateFunction | null = null;
    try {
      validate = request.schema ? compileSchema(request.schema) : null;
    } catch {
      validate = null; // a broken schema is the pipeline author's problem; syntax checks go on
    }
    compiled = { key: request.schemaKey, validate };
  }
  return compiled.validate;
}

self.onmessage = (event: MessageEvent<ValidationRequest>) => {
  const request = event.data;
  const started = performance.now();
  const result = checkConfigText(request.text, validatorFor(request));
  const value = result.value;
  const pipeline =
    value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>).pipeline === "string"
      ? ((value as Record<string, unknown>).pipeline as string)
      : null;
  const response: ValidationResponse = {
    id: request.id,
    problems: result.problems,
    pipeline,
    valid: result.value !== undefined && result.problems.length === 0,
    project:
      value &&
      typeof value === "object" &&
      typeof (value as Record<string, unknown>).project === "string"
        ? ((value as Record<string, unknown>).project as string)
        : null,
    ms: performance.now() - started,
  };
  self.postMessage(response);
};
