import type Ajv from "ajv";
import type { SchemaValidateFunction } from "ajv";
import { toPointer } from "../json/parse-json";
import { extensionsOf, nameFitsMimetype } from "./path-mimetypes";

/**
 * The nf-schema path keywords: `format: "file-path" | "directory-path" | "path"`, `exists`
 * and `mimetype`. ajv learns here what needs no file (it runs in the browser too, which never
 * looks at files): the formats' syntax and the mimetype by the file's name
 * (./path-mimetypes.ts). The server checks the files themselves after the schema
 * (server/pipelines/check-paths.ts), from the targets collectPathTargets finds.
 */
export const PATH_FORMATS = ["file-path", "directory-path", "path"] as const;
export type PathFormat = (typeof PATH_FORMATS)[number];

/** What a schema asks of one path value on disk (its mimetype is ajv's, by its name). */
export interface PathRule {
  format: PathFormat;
  /** true: must exist; false: must not exist; undefined: either. */
  exists?: boolean;
}

/** One value to check: where it is in the config, the path as written, the rule. */
export interface PathTarget {
  pointer: string;
  value: string;
  rule: PathRule;
}

/** Longer is no path a file system takes (PATH_MAX). */
export const MAX_PATH_LENGTH = 4096;

/** Syntax only: no NUL, not longer than PATH_MAX. Existence is the server's business. */
function pathSyntax(value: string): boolean {
  return value.length <= MAX_PATH_LENGTH && !value.includes("\0");
}

/** Object-storage URIs are not files of this machine: nf-schema skips them too. */
const REMOTE = /^(s3|gs|az):\/\//i;

/** The `mimetype` keyword: the file name must fit the type (a folder's is not checked). */
const checkMimetype: SchemaValidateFunction = (
  mimetype: string,
  value: unknown,
  parentSchema?: Record<string, unknown>,
) => {
  if (typeof value !== "string" || value === "" || REMOTE.test(value)) return true;
  if (parentSchema?.format === "directory-path" || nameFitsMimetype(value, mimetype)) return true;
  const endings = (extensionsOf(mimetype) ?? []).join(", ");
  const message = `must name a ${mimetype} file (${endings})`;
  checkMimetype.errors = [{ keyword: "mimetype", params: { mimetype }, message }];
  return false;
};

/** Registers the path formats and keywords with an ajv instance (called from newAjv). */
export function registerPathKeywords(ajv: Ajv): void {
  for (const format of PATH_FORMATS)
    ajv.addFormat(format, { type: "string", validate: pathSyntax });
  ajv.addKeyword({ keyword: "exists", schemaType: "boolean" });
  ajv.addKeyword({
    keyword: "mimetype",
    schemaType: "string",
    errors: true,
    validate: checkMimetype,
  });
}

type Schema = Record<string, unknown>;

const isObject = (value: unknown): value is Schema =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const isPathFormat = (value: unknown): value is PathFormat =>
  typeof value === "string" && (PATH_FORMATS as readonly string[]).includes(value);

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

/** The rule a schema states for the value it applies to, if it names a path. */
function ruleOf(schema: Schema): PathRule | undefined {
  const exists = typeof schema.exists === "boolean" ? schema.exists : undefined;
  // nf-schema: `exists` without a path format treats the value as a file.
  const format = isPathFormat(schema.format)
    ? schema.format
    : exists !== undefined
      ? "file-path"
      : undefined;
  if (!format) return undefined;
  return { format, ...(exists === undefined ? {} : { exists }) };
}

/** Two rules for one value (from allOf branches, a $ref and its siblings): both apply. */
function merge(a: PathRule, b: PathRule): PathRule {
  const format = a.format === "path" ? b.format : a.format;
  const exists = a.exists ?? b.exists;
  return { format, ...(exists === undefined ? {} : { exists }) };
}

function matches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, "u").test(key);
  } catch {
    return false;
  }
}

/**
 * Walks a schema and a config together and lists every string the schema calls a path,
 * in document order, with its JSON Pointer: through properties, patternProperties,
 * additionalProperties, items/prefixItems (and draft-07 tuple items, additionalItems),
 * allOf and local $ref ($defs, definitions). Branches whose use depends on validation
 * (anyOf, oneOf, if/then/else, not) are not followed. Empty strings and s3://, gs://,
 * az:// URIs are skipped, as nf-schema skips them. Stops after `limit` targets.
 */
export function collectPathTargets(
  schema: Record<string, unknown>,
  data: unknown,
  limit = Infinity,
): PathTarget[] {
  const found = new Map<string, PathTarget>();
  // `seen`: the schemas applied at this place of the data, against $ref cycles (made on the
  // first $ref or allOf: most places meet one schema).
  const visit = (node: unknown, value: unknown, pointer: string, seen?: Set<Schema>): void => {
    if (!isObject(node) || seen?.has(node) || found.size >= limit) return;
    if (typeof node.$ref === "string" || Array.isArray(node.allOf)) seen = new Set(seen).add(node);
    const rule = ruleOf(node);
    if (rule && typeof value === "string" && value !== "" && !REMOTE.test(value)) {
      const before = found.get(pointer);
      found.set(pointer, { pointer, value, rule: before ? merge(before.rule, rule) : rule });
    }
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
  return [...found.values()];
}
