import type { ValidateFunction } from "ajv";
import type { PipelineRow } from "@/db/schema";
import { compileSchema } from "@/lib/schema/validate-config";

const cache = new Map<string, ValidateFunction>();

/** The compiled validator of a pipeline version, cached by its definition hash. */
export function getConfigValidator(
  pipeline: Pick<PipelineRow, "definitionHash" | "schema">,
): ValidateFunction {
  let validate = cache.get(pipeline.definitionHash);
  if (!validate) {
    validate = compileSchema(pipeline.schema);
    if (cache.size > 500) cache.clear();
    cache.set(pipeline.definitionHash, validate);
  }
  return validate;
}
