import type Ajv from "ajv";
import type { SchemaValidateFunction } from "ajv";
import { extensionsOf, nameFitsMimetype } from "./path-mimetypes";
import { walkSchemaData } from "./walk-schema-data";

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

const isPathFormat = (value: unknown): value is PathFormat =>
  typeof value === "string" && (PATH_FORMATS as readonly string[]).includes(value);

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

/**
 * Walks a schema and a config together and lists every string the schema calls a path,
 * in document order, with its JSON Pointer (walk-schema-data.ts says which parts of a
 * schema are followed). Empty strings and s3://, gs://, az:// URIs are skipped, as
 * nf-schema skips them. Stops after `limit` targets.
 */
export function collectPathTargets(
  schema: Record<string, unknown>,
  data: unknown,
  limit = Infinity,
): PathTarget[] {
  const found = new Map<string, PathTarget>();
  walkSchemaData(
    schema,
    data,
    (node, value, pointer) => {
      const rule = ruleOf(node);
      if (rule && typeof value === "string" && value !== "" && !REMOTE.test(value)) {
        const before = found.get(pointer);
        found.set(pointer, { pointer, value, rule: before ? merge(before.rule, rule) : rule });
      }
    },
    () => found.size >= limit,
  );
  return [...found.values()];
}
