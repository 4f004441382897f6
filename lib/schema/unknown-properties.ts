/**
 * What a pipeline does with properties its schema does not declare (`unknownProperties` in
 * pipeline.json): `warn` accepts the config and lists them, `reject` refuses it, `ignore`
 * accepts it silently. Only schemas that say `additionalProperties: false` can find any:
 * elsewhere an undeclared property is allowed by the schema itself and nothing is said.
 */
export const UNKNOWN_PROPERTIES = ["warn", "reject", "ignore"] as const;
export type UnknownProperties = (typeof UNKNOWN_PROPERTIES)[number];
