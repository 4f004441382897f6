/**
 * Flattens a pipeline's JSON Schema (draft 2020-12 or 07) into the rows of a readable
 * field table: one row per property, nested properties of objects and array items with
 * their path (`dataFiles[].fastqCode`). Local `$ref`s are followed (a cycle stops the
 * walk with a note) and `allOf` parts are merged, so that fastq-qc's pattern-in-allOf
 * shows as a second pattern of the same field. Pure: no I/O.
 *
 * Longer than the house's 250 lines on purpose: resolving (`$ref`, `allOf`), describing
 * (types, limits in words) and walking share private helpers and one row type; split,
 * each part would have to export internals that nothing else should use.
 */

import { isJsonObject as isSchema, jsonType } from "../json/parse-json";
import type { UnknownProperties } from "./unknown-properties";

type Schema = Record<string, unknown>;

/** One row of the table. */
export interface SchemaField {
  /** Where the value sits: `project`, `dataFiles[].fastqCode`, `matrix[][]`, `labels.*`. */
  path: string;
  /** The last segment of the path: `fastqCode`, `[]`, `[0]` or `*` (any other key). */
  name: string;
  /** 0 for top-level properties, one more per object or array level. */
  depth: number;
  title?: string;
  description?: string;
  /** nf-schema's `help_text`: the longer explanation shown on demand. */
  helpText?: string;
  /** nf-schema's `hidden`, on the field or one of its parents: shown under "advanced". */
  hidden: boolean;
  /** `string`, `integer`, `string | null`, `array`, `object` or `any`. */
  type: string;
  /** The type of an array's items (`object`, `string`, ...). */
  itemType?: string;
  format?: string;
  /** Every pattern the value must match: its own and those of `allOf` parts. */
  patterns: string[];
  /** Required within its parent object. */
  required: boolean;
  enum?: unknown[];
  hasConst: boolean;
  const?: unknown;
  hasDefault: boolean;
  default?: unknown;
  examples: unknown[];
  /** Limits in words: `0 to 60`, `at most 254 characters`, `no other properties` (see CLOSED_WORDS). */
  constraints: string[];
  /** Anything else a reader needs: recursion, references not followed, alternatives. */
  notes: string[];
}

/** What the whole config is: the root's title, description and whether it is closed. */
export interface SchemaOverview {
  title?: string;
  description?: string;
  closed: boolean;
  /** Top-level property names. */
  properties: string[];
}

interface RefFrame {
  ref: string;
  path: string;
}

interface Resolved {
  schema: Schema;
  patterns: string[];
  notes: string[];
  /** The `$ref` stack of the path walked so far (to spot cycles). */
  stack: RefFrame[];
  /** Set when this schema refers back to an ancestor: the ancestor's path. */
  cycleOf?: string;
}

const MAX_DEPTH = 16;
const MIN_KEYS = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"];
const MAX_KEYS = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"];
const DETAIL_KEYS = [
  ...MIN_KEYS,
  ...MAX_KEYS,
  "enum",
  "const",
  "pattern",
  "format",
  "description",
  "items",
  "prefixItems",
  "default",
  "examples",
  "multipleOf",
  "allOf",
];

/** `true` is any value; `false` allows nothing (kept as a note). */
function asSchema(value: unknown): Schema {
  if (value === false) return { not: {} };
  return isSchema(value) ? value : {};
}

function types(schema: Schema): string[] | null {
  const t = schema.type;
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string");
  return null;
}

function resolvePointer(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith("#")) return undefined;
  if (ref === "#" || ref === "#/") return root;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isSchema(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  }
  return isSchema(node) ? node : undefined;
}

/** Combines two schemas that must both hold; `a`'s annotations (title, description) win. */
function merge(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    if (mine === undefined) out[key] = value;
    else if (MIN_KEYS.includes(key) && typeof mine === "number" && typeof value === "number")
      out[key] = Math.max(mine, value);
    else if (MAX_KEYS.includes(key) && typeof mine === "number" && typeof value === "number")
      out[key] = Math.min(mine, value);
    else if (key === "required" && Array.isArray(mine) && Array.isArray(value))
      out[key] = [...new Set([...(mine as unknown[]), ...(value as unknown[])])];
    else if (key === "properties" && isSchema(mine) && isSchema(value)) {
      const props: Schema = { ...mine };
      for (const [name, sub] of Object.entries(value))
        props[name] = props[name] === undefined ? sub : { allOf: [props[name], sub] };
      out[key] = props;
    } else if (key === "enum" && Array.isArray(mine) && Array.isArray(value)) {
      const theirs = new Set(value.map((v) => JSON.stringify(v)));
      out[key] = mine.filter((v) => theirs.has(JSON.stringify(v)));
    } else if (key === "additionalProperties" && value === false) out[key] = false;
    else if (key === "type") {
      const ta = types(a) ?? [];
      const both = (types(b) ?? []).filter(
        (t) => ta.includes(t) || (t === "integer" && ta.includes("number")),
      );
      if (both.length > 0) out[key] = both.length === 1 ? both[0] : both;
    }
  }
  return out;
}

/** Follows `$ref` and merges `allOf` until the schema says everything about itself. */
function resolve(raw: unknown, root: Schema, stack: RefFrame[], path: string): Resolved {
  const node = asSchema(raw);
  const { $ref: ref, allOf, pattern, ...own } = node;
  let schema: Schema = own;
  const patterns = typeof pattern === "string" ? [pattern] : [];
  const notes: string[] = raw === false ? ["never allowed"] : [];
  let frames = stack;
  let cycleOf: string | undefined;
  if (typeof ref === "string") {
    const target = resolvePointer(root, ref);
    const ancestor = stack.find((f) => f.ref === ref);
    if (!target) notes.push(`refers to ${ref}, which is not shown here`);
    else if (ancestor) {
      cycleOf = ancestor.path;
      schema = merge(schema, target);
      if (typeof target.pattern === "string") patterns.push(target.pattern);
    } else {
      const inner = resolve(target, root, [...stack, { ref, path }], path);
      schema = merge(schema, inner.schema);
      patterns.push(...inner.patterns);
      notes.push(...inner.notes);
      frames = inner.stack;
      cycleOf = inner.cycleOf;
    }
  }
  for (const part of Array.isArray(allOf) ? allOf : []) {
    const inner = resolve(part, root, frames, path);
    schema = merge(schema, inner.schema);
    patterns.push(...inner.patterns);
    notes.push(...inner.notes);
    cycleOf ??= inner.cycleOf;
  }
  return { schema, patterns: [...new Set(patterns)], notes, stack: frames, cycleOf };
}

function typeName(schema: Schema, root: Schema, stack: RefFrame[]): string {
  const declared = types(schema);
  if (declared && declared.length > 0) return declared.join(" | ");
  if ("const" in schema) return jsonType(schema.const);
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map(jsonType))].join(" | ");
  if (isSchema(schema.properties) || "additionalProperties" in schema) return "object";
  if ("items" in schema || "prefixItems" in schema) return "array";
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches) && branches.length > 0) {
    const names = branches.map((b) => typeName(resolve(b, root, stack, "").schema, root, stack));
    return [...new Set(names)].join(" | ");
  }
  return "any";
}

function range(min: unknown, max: unknown, unit: string): string[] {
  const hasMin = typeof min === "number";
  const hasMax = typeof max === "number";
  const units = (n: number) => (n === 1 ? unit.replace(/s$/, "") : unit);
  if (hasMin && hasMax && min === max) return [`exactly ${min} ${units(min)}`];
  if (hasMin && hasMax) return [`${min} to ${max} ${unit}`];
  if (hasMin) return [`at least ${min} ${units(min)}`];
  if (hasMax) return [`at most ${max} ${units(max)}`];
  return [];
}

/** The limits of a value in words, for whichever types it may have. */
function constraintsOf(s: Schema, closed: string): string[] {
  const out: string[] = [];
  const exMin = s.exclusiveMinimum;
  const exMax = s.exclusiveMaximum;
  const min = exMin === true ? undefined : s.minimum;
  const max = exMax === true ? undefined : s.maximum;
  if (typeof min === "number" && typeof max === "number") out.push(`${min} to ${max}`);
  else if (typeof min === "number") out.push(`minimum ${min}`);
  else if (typeof max === "number") out.push(`maximum ${max}`);
  const gt = exMin === true ? s.minimum : exMin;
  const lt = exMax === true ? s.maximum : exMax;
  if (typeof gt === "number") out.push(`greater than ${gt}`);
  if (typeof lt === "number") out.push(`less than ${lt}`);
  if (typeof s.multipleOf === "number") out.push(`multiple of ${s.multipleOf}`);
  out.push(...range(s.minLength, s.maxLength, "characters"));
  out.push(...range(s.minItems, s.maxItems, "items"));
  if (s.uniqueItems === true) out.push("no duplicate items");
  out.push(...range(s.minProperties, s.maxProperties, "properties"));
  if (s.additionalProperties === false) out.push(closed);
  out.push(...nfSchemaConstraints(s));
  return out;
}

/** `dependentRequired` in words: `lane needs flowcell`. */
function dependentRequiredOf(s: Schema): string[] {
  const rules = s.dependentRequired;
  if (!isSchema(rules)) return [];
  return Object.entries(rules)
    .filter((rule): rule is [string, string[]] => Array.isArray(rule[1]) && rule[1].length > 0)
    .map(([key, needs]) => `${key} needs ${needs.join(", ")}`);
}

/** nf-schema's `uniqueEntries` and `dependentRequired` in words. */
function nfSchemaConstraints(s: Schema): string[] {
  const out = dependentRequiredOf(s);
  if (Array.isArray(s.uniqueEntries) && s.uniqueEntries.length > 0)
    out.push(`no two items with the same ${s.uniqueEntries.map(String).join(" + ")}`);
  return out;
}

function childPath(parent: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$-]*$/.test(key);
  if (safe) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

function hasDetail(schema: Schema, patterns: string[]): boolean {
  return patterns.length > 0 || DETAIL_KEYS.some((k) => k in schema);
}

/** Where a row sits (the part of its field that the walk knows before describing it). */
type Place = Pick<SchemaField, "path" | "name" | "depth" | "required">;

/** The walk's state: the whole schema (for `$ref`) and the rows found so far. */
interface Walk {
  root: Schema;
  rows: SchemaField[];
  /** What `additionalProperties: false` means under the pipeline's unknownProperties. */
  closed: string;
}

/** `additionalProperties: false` in words, as the pipeline treats undeclared properties. */
const CLOSED_WORDS: Record<UnknownProperties, string> = {
  reject: "no other properties",
  warn: "other properties are warned about",
  ignore: "other properties are ignored",
};

function walkProperties(walk: Walk, r: Resolved, parentPath: string, depth: number): void {
  const props = isSchema(r.schema.properties) ? r.schema.properties : {};
  const required = Array.isArray(r.schema.required) ? r.schema.required : [];
  for (const [key, sub] of Object.entries(props)) {
    const place = { path: childPath(parentPath, key), name: key, depth };
    visit(walk, sub, r.stack, { ...place, required: required.includes(key) });
  }
  const extra = r.schema.additionalProperties;
  if (isSchema(extra) && Object.keys(extra).length > 0) {
    const path = parentPath ? `${parentPath}.*` : "*";
    visit(walk, extra, r.stack, { path, name: "*", depth, required: false });
  }
}

function visit(walk: Walk, raw: unknown, stack: RefFrame[], place: Place): void {
  const r = resolve(raw, walk.root, stack, place.path);
  const field = describe(walk, r, place);
  walk.rows.push(field);
  if (r.cycleOf !== undefined) {
    field.notes.push(`recursive: has the same fields as ${r.cycleOf || "the whole config"}`);
    return;
  }
  if (place.depth >= MAX_DEPTH) return;
  const depth = place.depth + 1;
  walkProperties(walk, r, place.path, depth);
  const tuple = r.schema.prefixItems ?? (Array.isArray(r.schema.items) ? r.schema.items : null);
  if (Array.isArray(tuple))
    tuple.forEach((sub, i) => {
      const name = `[${i}]`;
      visit(walk, sub, r.stack, { path: place.path + name, name, depth, required: false });
    });
  const items = r.schema.items;
  if (!isSchema(items)) return;
  const item = resolve(items, walk.root, r.stack, `${place.path}[]`);
  const itemPlace = { path: `${place.path}[]`, name: "[]", depth };
  if (item.cycleOf !== undefined) {
    field.notes.push(
      `recursive: each item has the same fields as ${item.cycleOf || "the whole config"}`,
    );
  } else if (isSchema(item.schema.properties)) {
    if (item.schema.additionalProperties === false)
      field.constraints.push(`each item: ${walk.closed}`);
    field.constraints.push(...dependentRequiredOf(item.schema).map((c) => `each item: ${c}`));
    walkProperties(walk, item, itemPlace.path, itemPlace.depth);
  } else if (hasDetail(item.schema, item.patterns)) {
    visit(walk, items, r.stack, { ...itemPlace, required: false });
  }
}

function describe(walk: Walk, r: Resolved, place: Place): SchemaField {
  const s = r.schema;
  const type = typeName(s, walk.root, r.stack);
  const items = isSchema(s.items) ? resolve(s.items, walk.root, r.stack, "") : null;
  const examples = Array.isArray(s.examples) ? s.examples : "example" in s ? [s.example] : [];
  const notes = [...r.notes];
  if (Array.isArray(s.anyOf ?? s.oneOf))
    notes.push(`${s.oneOf ? "exactly one" : "at least one"} of several forms`);
  if (isSchema(s.patternProperties)) notes.push("other property names may match a pattern");
  return {
    ...place,
    ...(typeof s.title === "string" ? { title: s.title } : {}),
    ...(typeof s.description === "string" ? { description: s.description } : {}),
    ...(typeof s.help_text === "string" ? { helpText: s.help_text } : {}),
    hidden: s.hidden === true,
    type,
    ...(items ? { itemType: typeName(items.schema, walk.root, items.stack) } : {}),
    ...(typeof s.format === "string" ? { format: s.format } : {}),
    patterns: r.patterns,
    ...(Array.isArray(s.enum) ? { enum: s.enum } : {}),
    hasConst: "const" in s,
    ...("const" in s ? { const: s.const } : {}),
    hasDefault: "default" in s,
    ...("default" in s ? { default: s.default } : {}),
    examples,
    constraints: constraintsOf(s, walk.closed),
    notes,
  };
}

/**
 * The rows of a schema's field table, in the schema's property order. `unknownProperties`
 * (the pipeline's choice) words what a closed object does with other properties.
 */
export function schemaFields(
  schema: Record<string, unknown>,
  unknownProperties: UnknownProperties = "reject",
): SchemaField[] {
  const walk: Walk = { root: schema, rows: [], closed: CLOSED_WORDS[unknownProperties] };
  walkProperties(walk, resolve(schema, schema, [{ ref: "#", path: "" }], ""), "", 0);
  // A hidden field hides what it holds.
  const hiddenAt: boolean[] = [];
  for (const row of walk.rows) {
    row.hidden ||= row.depth > 0 && hiddenAt[row.depth - 1] === true;
    hiddenAt[row.depth] = row.hidden;
  }
  return walk.rows;
}

/** The root of a schema: what the config as a whole is. */
export function schemaOverview(schema: Record<string, unknown>): SchemaOverview {
  const { schema: s } = resolve(schema, schema, [{ ref: "#", path: "" }], "");
  return {
    ...(typeof s.title === "string" ? { title: s.title } : {}),
    ...(typeof s.description === "string" ? { description: s.description } : {}),
    closed: s.additionalProperties === false,
    properties: isSchema(s.properties) ? Object.keys(s.properties) : [],
  };
}
