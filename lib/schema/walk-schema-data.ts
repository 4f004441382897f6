import { isJsonObject, toPointer } from "../json/parse-json";

type Schema = Record<string, unknown>;

const isObject = isJsonObject;

/** Resolves a local `$ref` (`#/$defs/x`, `#/definitions/x`, `#`) in the root schema. */
function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith("#")) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return isObject(current) ? current : undefined;
}

function matches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, "u").test(key);
  } catch {
    return false;
  }
}

/**
 * Walks a schema and a config together, calling `onNode` for every (sub)schema that applies
 * to a value, with the value's JSON Pointer, in document order: through properties,
 * patternProperties, additionalProperties, items/prefixItems (and draft-07 tuple items,
 * additionalItems), allOf and local $ref ($defs, definitions). Branches whose use depends
 * on validation (anyOf, oneOf, if/then/else, not) are not followed. `stop` is asked before
 * each node: true ends the walk.
 */
export function walkSchemaData(
  schema: Schema,
  data: unknown,
  onNode: (node: Schema, value: unknown, pointer: string) => void,
  stop: () => boolean = () => false,
): void {
  // `seen`: the schemas applied at this place of the data, against $ref cycles (made on the
  // first $ref or allOf: most places meet one schema).
  const visit = (node: unknown, value: unknown, pointer: string, seen?: Set<Schema>): void => {
    if (!isObject(node) || seen?.has(node) || stop()) return;
    if (typeof node.$ref === "string" || Array.isArray(node.allOf)) seen = new Set(seen).add(node);
    onNode(node, value, pointer);
    if (typeof node.$ref === "string") {
      const target = resolveRef(schema, node.$ref);
      if (target) visit(target, value, pointer, seen);
    }
    if (Array.isArray(node.allOf)) for (const part of node.allOf) visit(part, value, pointer, seen);
    if (isObject(value)) visitObject(node, value, pointer);
    else if (Array.isArray(value)) visitArray(node, value, pointer);
  };
  const child = (node: unknown, value: unknown, pointer: string, key: string | number) =>
    visit(node, value, `${pointer}${toPointer([key])}`);
  const visitObject = (node: Schema, value: Schema, pointer: string) => {
    const properties = isObject(node.properties) ? node.properties : {};
    const patterns = isObject(node.patternProperties) ? Object.entries(node.patternProperties) : [];
    for (const [key, item] of Object.entries(value)) {
      let matched = Object.hasOwn(properties, key);
      if (matched) child(properties[key], item, pointer, key);
      for (const [pattern, sub] of patterns) {
        if (!matches(pattern, key)) continue;
        matched = true;
        child(sub, item, pointer, key);
      }
      if (!matched && isObject(node.additionalProperties))
        child(node.additionalProperties, item, pointer, key);
    }
  };
  const visitArray = (node: Schema, value: unknown[], pointer: string) => {
    const tuple = Array.isArray(node.prefixItems)
      ? node.prefixItems
      : Array.isArray(node.items)
        ? node.items
        : [];
    const rest = Array.isArray(node.items) ? node.additionalItems : node.items;
    value.forEach((item, i) => child(i < tuple.length ? tuple[i] : rest, item, pointer, i));
  };
  visit(schema, data, "");
}
