import type { ValidateFunction } from "ajv";
import type { PipelineRow } from "@/db/schema";
import { compileSchema } from "@/lib/schema/validate-config";
import type { AppContext } from "../context";

/** The compiled validator of a pipeline version, cached by its definition hash. */
export function getConfigValidator(
  ctx: Pick<AppContext, "caches">,
  pipeline: Pick<PipelineRow, "definitionHash" | "schema">,
): ValidateFunction {
  let validate = ctx.caches.validators.get(pipeline.definitionHash);
  if (!validate) {
    validate = compileSchema(pipeline.schema);
    ctx.caches.validators.set(pipeline.definitionHash, validate);
  }
  return validate;
}
