import { isJsonObject, toPointer } from "@/lib/json/parse-json";
import { LIST_KEYWORD } from "@/lib/schema/list-keyword";

type Schema = Record<string, unknown>;

/** The keyword a property may carry to be shown in a named section of the form. */
export const SECTION_KEYWORD = "x-runport-section";

export type FieldKind =
  | "text"
  | "textarea"
  | "number"
  | "integer"
  | "boolean"
  | "enum"
  | "date"
  | "email"
  | "list"
  | "grid"
  | "string-array"
  | "unsupported";

/** One input of the form, for one property of the config. */
export interface FormField {
  /** The property's name. */
  key: string;
  /** JSON Pointer of the value in the config, e.g. "/dataFiles". */
  pointer: string;
  /** The same as a path for jsonc-parser's `modify`. */
  path: string[];
  kind: FieldKind;
  title: string;
  /** Help text (the schema's `description`). */
  description: string | null;
  required: boolean;
  /** The property's schema, $refs resolved. */
  schema: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** enum: the allowed values, in the schema's order. */
  options?: unknown[];
  /** list: the reference list's name (`x-runport-list`). */
  list?: string;
  /** grid: the item's object schema, $refs resolved. */
  itemSchema?: Schema;
  minItems?: number;
  maxItems?: number;
  /** The JSON types a typed text may become (["integer", "string"] for `lane`). */
  types: string[];
  /** unsupported: why the form leaves it to the JSON tab. */
  reason?: string;
}

/** A section of the form. */
export interface FormGroup {
  id: string;
  title: string | null;
  description: string | null;
  fields: FormField[];
}

export interface SchemaToFieldsOptions {
  /** Whether an array's item object can be shown as a grid (array-grid.tsx's canShowAsGrid). */
  canShowAsGrid: (itemSchema: Schema) => boolean;
}

const MAX_REF_DEPTH = 32;

/**
 * Resolves a local `$ref` ("#/$defs/x", "#/definitions/x", any "#/..." pointer), merging the
 * referring schema's other keywords over the target's; chains of refs are followed.
 * Remote refs are left as they are (the field then shows as "edit in JSON").
 */
export function resolveRef(root: Schema, node: Schema, depth = 0): Schema {
  const ref = node.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#") || depth > MAX_REF_DEPTH) return node;
  let target: unknown = root;
  for (const raw of ref
    .slice(1)
    .split("/")
    .filter((s) => s !== "")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    target = isJsonObject(target) ? target[key] : undefined;
  }
  if (!isJsonObject(target)) return node;
  const { $ref: _ref, ...rest } = node;
  return { ...resolveRef(root, target, depth + 1), ...rest };
}

/** The schema's `type` as a list without "null" (and whether null is allowed). */
function typesOf(schema: Schema): { types: string[]; nullable: boolean } {
  const raw = schema.type;
  let list = typeof raw === "string" ? [raw] : Array.isArray(raw) ? raw.map(String) : [];
  if (list.length === 0 && Array.isArray(schema.enum)) {
    list = [...new Set(schema.enum.map((v) => (v === null ? "null" : typeof v)))];
  }
  if (list.length === 0 && schema.const !== undefined) list = [typeof schema.const];
  return { types: list.filter((t) => t !== "null"), nullable: list.includes("null") };
}

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

const COMPOSITION = ["oneOf", "anyOf", "if", "not", "patternProperties"] as const;

/** What kind of input a property gets. */
function kindOf(
  root: Schema,
  schema: Schema,
  options: SchemaToFieldsOptions,
): { kind: FieldKind; reason?: string; itemSchema?: Schema } {
  const composed = COMPOSITION.find((k) => schema[k] !== undefined);
  if (composed) return { kind: "unsupported", reason: `uses ${composed}` };
  const { types } = typesOf(schema);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const scalar = schema.enum.every((v) => v === null || typeof v !== "object");
    return scalar ? { kind: "enum" } : { kind: "unsupported", reason: "its choices are objects" };
  }
  if (typeof schema[LIST_KEYWORD] === "string") return { kind: "list" };
  if (types.length === 0) return { kind: "unsupported", reason: "no type given" };
  if (types.length === 1) {
    const [type] = types;
    if (type === "boolean") return { kind: "boolean" };
    if (type === "integer") return { kind: "integer" };
    if (type === "number") return { kind: "number" };
    if (type === "string") {
      if (schema.format === "date") return { kind: "date" };
      if (schema.format === "email") return { kind: "email" };
      // Long free text (a description) gets several lines; paths and names stay one line.
      const max = num(schema.maxLength);
      return { kind: max !== undefined && max > 1024 ? "textarea" : "text" };
    }
    if (type === "array") {
      const items = isJsonObject(schema.items) ? resolveRef(root, schema.items) : null;
      if (!items) return { kind: "unsupported", reason: "its items have no schema" };
      const itemTypes = typesOf(items).types;
      if (itemTypes.length === 1 && itemTypes[0] === "string" && !Array.isArray(items.enum))
        return { kind: "string-array", itemSchema: items };
      if (itemTypes.length === 1 && itemTypes[0] === "object" && options.canShowAsGrid(items))
        return { kind: "grid", itemSchema: items };
      return { kind: "unsupported", reason: "its items are not simple values" };
    }
    if (type === "object") return { kind: "unsupported", reason: "it is an object of free keys" };
    return { kind: "unsupported", reason: `type ${type}` };
  }
  // Several scalar types (["integer", "string"]): a text box whose text becomes the first
  // type it parses as.
  if (types.every((t) => ["string", "integer", "number", "boolean"].includes(t)))
    return { kind: "text" };
  return { kind: "unsupported", reason: `several types (${types.join(", ")})` };
}

function fieldOf(
  root: Schema,
  key: string,
  raw: unknown,
  path: string[],
  required: boolean,
  options: SchemaToFieldsOptions,
): FormField {
  const schema = isJsonObject(raw) ? resolveRef(root, raw) : {};
  const { kind, reason, itemSchema } = kindOf(root, schema, options);
  const title = typeof schema.title === "string" && schema.title ? schema.title : key;
  const description = typeof schema.description === "string" ? schema.description : null;
  const field: FormField = {
    key,
    pointer: toPointer(path),
    path,
    kind,
    title,
    description,
    required,
    schema,
    types: typesOf(schema).types,
  };
  const minimum = num(schema.minimum) ?? num(schema.exclusiveMinimum);
  const maximum = num(schema.maximum) ?? num(schema.exclusiveMaximum);
  if (minimum !== undefined) field.minimum = minimum;
  if (maximum !== undefined) field.maximum = maximum;
  if (num(schema.minLength) !== undefined) field.minLength = num(schema.minLength);
  if (num(schema.maxLength) !== undefined) field.maxLength = num(schema.maxLength);
  if (typeof schema.pattern === "string") field.pattern = schema.pattern;
  if (kind === "enum") field.options = schema.enum as unknown[];
  if (kind === "list") field.list = schema[LIST_KEYWORD] as string;
  if (itemSchema) field.itemSchema = itemSchema;
  if (num(schema.minItems) !== undefined) field.minItems = num(schema.minItems);
  if (num(schema.maxItems) !== undefined) field.maxItems = num(schema.maxItems);
  if (reason) field.reason = reason;
  return field;
}

/** An object schema's own properties (and required names), $refs and `allOf` merged in. */
function propertiesOf(root: Schema, node: Schema): { properties: Schema; required: Set<string> } {
  const schema = resolveRef(root, node);
  const properties: Schema = isJsonObject(schema.properties) ? { ...schema.properties } : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return { properties, required };
}

/** Whether a property is an object with declared properties (shown as its own section). */
function isSection(root: Schema, raw: unknown): raw is Schema {
  if (!isJsonObject(raw)) return false;
  const schema = resolveRef(root, raw);
  return (
    typesOf(schema).types.join() === "object" &&
    isJsonObject(schema.properties) &&
    !COMPOSITION.some((k) => schema[k] !== undefined)
  );
}

/**
 * Walks a pipeline's JSON Schema into the form's sections and fields: the top-level
 * properties (one untitled section), then each `allOf` part that references a `$defs`
 * group (nf-core's shape: a section per group, with its title and description), then each
 * object property with declared properties (a section of its own); a property with
 * `"x-runport-section": "Name"` goes to the section of that name. Anything the form cannot
 * edit is a field of kind "unsupported" (shown with an "edit in JSON" link).
 * Pure: same schema, same answer.
 */
export function schemaToFields(schema: Schema, options: SchemaToFieldsOptions): FormGroup[] {
  const groups: FormGroup[] = [];
  const byTitle = new Map<string, FormGroup>();
  const groupNamed = (title: string | null, description: string | null, id: string) => {
    const found = byTitle.get(title ?? "");
    if (found) return found;
    const group: FormGroup = { id, title, description, fields: [] };
    byTitle.set(title ?? "", group);
    groups.push(group);
    return group;
  };
  const seen = new Set<string>();

  const addObject = (
    node: Schema,
    base: string[],
    group: FormGroup,
    depth: number,
    outerRequired: Set<string> = new Set(),
  ) => {
    const { properties, required } = propertiesOf(schema, node);
    for (const [key, raw] of Object.entries(properties)) {
      const path = [...base, key];
      const pointer = toPointer(path);
      if (seen.has(pointer)) continue;
      seen.add(pointer);
      const resolved = isJsonObject(raw) ? resolveRef(schema, raw) : {};
      const section = resolved[SECTION_KEYWORD];
      const target =
        typeof section === "string" && section.trim()
          ? groupNamed(section.trim(), null, `section-${groups.length}`)
          : group;
      if (depth < 2 && isSection(schema, raw)) {
        const title = typeof resolved.title === "string" && resolved.title ? resolved.title : key;
        const description = typeof resolved.description === "string" ? resolved.description : null;
        const sub = groupNamed(title, description, `section-${groups.length}`);
        addObject(raw, path, sub, depth + 1);
        continue;
      }
      const isRequired = required.has(key) || outerRequired.has(key);
      target.fields.push(fieldOf(schema, key, raw, path, isRequired, options));
    }
  };

  const main = groupNamed(null, null, "section-main");
  const top = resolveRef(schema, schema);
  const topRequired = new Set(Array.isArray(top.required) ? top.required.map(String) : []);
  addObject(top, [], main, 0);
  const parts = Array.isArray(top.allOf) ? top.allOf.filter(isJsonObject) : [];
  for (const part of parts) {
    const resolved = resolveRef(schema, part);
    const title = typeof resolved.title === "string" && resolved.title ? resolved.title : null;
    const description = typeof resolved.description === "string" ? resolved.description : null;
    const group = title ? groupNamed(title, description, `section-${groups.length}`) : main;
    addObject(resolved, [], group, 0, topRequired);
  }
  return groups.filter((g) => g.fields.length > 0);
}

/** Counts of the fields the form can edit and those left to the JSON tab. */
export function coverage(groups: readonly FormGroup[]): { editable: number; unsupported: number } {
  let editable = 0;
  let unsupported = 0;
  for (const g of groups)
    for (const f of g.fields) {
      if (f.kind === "unsupported") unsupported++;
      else editable++;
    }
  return { editable, unsupported };
}

/** Whether the form is worth showing first: most of the schema's fields are editable. */
export function mostlyRepresentable(groups: readonly FormGroup[]): boolean {
  const { editable, unsupported } = coverage(groups);
  return editable > 0 && editable >= 2 * unsupported;
}

/**
 * The value a typed text becomes for a field (a text box of a multi-typed field, a number
 * box): the first of the field's types it parses as; text that does not convert stays a
 * string so the validator reports it at the field. Empty text: undefined (the property is
 * removed).
 */
export function valueFromText(field: Pick<FormField, "kind" | "types">, text: string): unknown {
  if (text === "") return undefined;
  const types =
    field.kind === "integer" ? ["integer"] : field.kind === "number" ? ["number"] : field.types;
  for (const type of types) {
    const trimmed = text.trim();
    if (type === "integer" && /^-?\d+$/.test(trimmed)) {
      const n = Number(trimmed);
      if (Number.isSafeInteger(n)) return n;
    }
    if (type === "number" && trimmed !== "" && Number.isFinite(Number(trimmed)))
      return Number(trimmed);
    if (type === "boolean" && (trimmed === "true" || trimmed === "false"))
      return trimmed === "true";
    if (type === "string") return text;
  }
  return text;
}

/** The text an input shows for a value (objects shown as JSON, undefined as empty). */
export function textFromValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
