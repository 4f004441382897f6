/**
 * Configs from a pipeline's JSON Schema: structurally valid values (each field of its
 * type, within its bounds, matching its pattern where fast-check can generate one),
 * with, now and then, a value at or past an edge or of another type. Covers the subset
 * of JSON Schema the shipped pipelines use (object, array, string, integer, number,
 * boolean, enum, min/max, pattern, required).
 */
import fc from "fast-check";
import { oddJsonValue, oddNumber, oddString } from "./odd-values";

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  default?: unknown;
  examples?: unknown[];
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 64, 64);
  const edges = [
    "x".repeat(minLength),
    "x".repeat(schema.maxLength ?? 64),
    "x".repeat((schema.maxLength ?? 64) + 1),
  ];
  const examples = (schema.examples ?? []).filter((e): e is string => typeof e === "string");
  let matching: fc.Arbitrary<string> = fc.string({ minLength, maxLength });
  if (schema.pattern) {
    try {
      matching = fc
        .stringMatching(new RegExp(schema.pattern))
        .filter((s) => s.length >= minLength && s.length <= maxLength);
    } catch {
      // A pattern fast-check cannot generate from (lookarounds): examples and plain strings.
    }
  }
  return fc.oneof(
    { weight: 4, arbitrary: matching },
    { weight: 2, arbitrary: examples.length > 0 ? fc.constantFrom(...examples) : matching },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
    { weight: 1, arbitrary: oddString() },
  );
}

function numberFor(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1e6;
  const max = schema.maximum ?? 1e6;
  const inside = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true });
  return fc.oneof(
    { weight: 5, arbitrary: inside },
    { weight: 1, arbitrary: fc.constantFrom(min, max, min - 1, max + 1, min + 0.5) },
    { weight: 1, arbitrary: oddNumber },
  );
}

function objectFor(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const record = Object.fromEntries(
    Object.entries(properties).map(([key, property]) => [key, valueFor(property)]),
  );
  return fc.record(record, { requiredKeys: schema.required ?? [] });
}

/** A value for `schema`: valid in most cases, odd in some. */
export function valueFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const typed = ((): fc.Arbitrary<unknown> => {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case "object":
        return objectFor(schema);
      case "array":
        return fc.array(valueFor(schema.items ?? {}), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 5, 5),
        });
      case "string":
        return stringFor(schema);
      case "integer":
        return numberFor(schema, true);
      case "number":
        return numberFor(schema, false);
      case "boolean":
        return fc.boolean();
      default:
        return oddJsonValue(2);
    }
  })();
  return fc.oneof({ weight: 12, arbitrary: typed }, { weight: 1, arbitrary: oddJsonValue(2) });
}
