/**
 * A copy of a schema for the editor's hover: wherever nf-schema's `help_text` is given, the
 * hover text (`markdownDescription`, which Monaco's JSON support shows instead of
 * `description`) holds the description followed by the help. Validation never reads this
 * copy. Pure.
 */
export function withHelpText(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withHelpText);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    // Values of `enum`, `const`, `default` and `examples` are data, not schemas.
    out[key] = ["enum", "const", "default", "examples"].includes(key) ? value : withHelpText(value);
  }
  if (typeof out.help_text === "string" && out.markdownDescription === undefined) {
    const description = typeof out.description === "string" ? `${out.description}\n\n` : "";
    out.markdownDescription = `${description}${out.help_text}`;
  }
  return out;
}
