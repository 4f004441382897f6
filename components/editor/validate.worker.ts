/// <reference lib="webworker" />
// Checks the editor's text off the main thread with the server's own code, so that a
// document of megabytes never stalls typing and the markers say what the server says.
import type { ValidateFunction } from "ajv";
import { isJsonObject } from "@/lib/json/parse-json";
import { checkConfigText } from "@/lib/schema/check-config-text";
import { IncrementalCheck } from "@/lib/schema/incremental-check";
import { compileSchema } from "@/lib/schema/validate-config";
import type { ValidationMessage, ValidationResponse } from "./validation-protocol";

const checker = new IncrementalCheck();
/**
 * One compiled validator per schema, kept: compiling fastq-qc's takes hundreds of ms, and
 * a person may go back and forth between pipelines or versions.
 */
const compiled = new Map<string, ValidateFunction | null>();

function validatorFor(schemaKey: string, schema: Record<string, unknown>): ValidateFunction | null {
  if (compiled.has(schemaKey)) return compiled.get(schemaKey) ?? null;
  let validate: ValidateFunction | null = null;
  try {
    validate = compileSchema(schema);
  } catch {
    // A broken schema is the pipeline author's problem; syntax checks go on.
  }
  compiled.set(schemaKey, validate);
  // Warm the paths a first mistake takes (error objects, locating), so the first
  // marker after a keystroke is as quick as the next ones.
  if (validate) checkConfigText('{"\u0000": [0]}', validate);
  return validate;
}

function field(value: unknown, name: string): string | null {
  const found = isJsonObject(value) ? value[name] : null;
  return typeof found === "string" ? found : null;
}

self.onmessage = (event: MessageEvent<ValidationMessage>) => {
  const message = event.data;
  if (message.type === "reset") checker.reset(message.text);
  else if (message.type === "edit") checker.edit(message.edits);
  else if (message.type === "prepare") validatorFor(message.schemaKey, message.schema);
  else {
    const started = performance.now();
    const outOfSync = checker.length !== message.length;
    const result = outOfSync
      ? { problems: [], warnings: [], value: undefined, incremental: false }
      : checker.check(validatorFor(message.schemaKey, message.schema), message.unknownProperties);
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
      incremental: result.incremental,
      ms: performance.now() - started,
    };
    self.postMessage(response);
    // After answering: the index that makes the next keystroke's check quick.
    checker.prepare();
  }
};
