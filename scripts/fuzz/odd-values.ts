/**
 * Generators of odd values: strings a person or a broken client might send (odd unicode,
 * control characters, lone surrogates, formula-looking cells), JSON values of any shape,
 * and the huge, deep and wide documents that cost a parser the most.
 */
import fc from "fast-check";

/** Characters that have broken parsers, terminals, file names and collations before. */
const ODD_CHARACTERS = [
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u001b]8;;http://x\u0007",
  "\r",
  "\r\n",
  "\t",
  "\u2028",
  "\u2029",
  "\u200b",
  "\u200d",
  "\u202e",
  "\ufeff",
  "\ufffd",
  "\ud800",
  "\udfff",
  "\u0301",
  "e\u0301",
  "\u{1f600}",
  "\u{1f468}\u200d\u{1f469}\u200d\u{1f467}",
  "\u{10ffff}",
  "ß",
  "İ",
  "ﬁ",
  "Ａ",
  "%00",
  "%",
  "%zz",
  "\\",
  "\\u0000",
  '"',
  "'",
  "`",
  "<",
  ">",
  "&",
  "=",
  "+",
  "-",
  "@",
  '=HYPERLINK("http://x")',
  "=1+1",
  ",",
  ";",
  "\n",
  "../",
  "/",
  "..",
  ":",
  "#",
  "?",
];

/** A string made of ordinary text and odd characters, short or (rarely) long. */
export function oddString(maxLength = 40): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 8 }) },
    { weight: 3, arbitrary: fc.constantFrom(...ODD_CHARACTERS) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) },
  );
  return fc
    .array(piece, { maxLength: Math.max(1, Math.ceil(maxLength / 4)) })
    .map((parts) => parts.join(""));
}

/** A number at an edge: zero, negative zero, fractions, huge, tiny, the int limits. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 0.5, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e21),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, keys and strings odd. */
export function oddJsonValue(maxDepth = 4): fc.Arbitrary<unknown> {
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", maxDepth },
      fc.constant(null),
      fc.boolean(),
      oddNumber,
      oddString(),
      fc.array(tie("value"), { maxLength: 5 }),
      fc.dictionary(oddString(12), tie("value"), { maxKeys: 5 }),
    ),
  })).value;
}

/**
 * Text of a document that costs the most to read: deep, wide, long or many-numbered.
 * `scale` shrinks the sizes (1: up to past the 10 MiB body limit).
 */
export function costlyJsonText(scale = 1): fc.Arbitrary<string> {
  const size = (min: number, max: number) =>
    fc.integer({ min, max: Math.max(min, Math.round(max * scale)) });
  return fc.oneof(
    fc
      .tuple(size(60, 200_000), fc.constantFrom("[", '{"a":', '{"config":{"x":['))
      .map(([depth, open]) => `{"pipeline":"hello@1.0.0","config":${open.repeat(depth)}1`),
    size(60, 5_000).map((d) => `${"[".repeat(d)}${"]".repeat(d)}`),
    size(100, 100_000).map((width) => {
      const keys = Array.from({ length: width }, (_, i) => `"k${i}":${i}`).join(",");
      return `{"pipeline":"hello@1.0.0","config":{"name":"w",${keys}}}`;
    }),
    size(100, 200_000).map((length) => {
      const items = Array.from({ length }, () => "0").join(",");
      return `{"pipeline":"hello@1.0.0","config":{"name":[${items}]}}`;
    }),
    size(1_000, 11 * 1024 * 1024).map((length) => {
      return `{"pipeline":"hello@1.0.0","config":{"name":"${"x".repeat(length)}"}}`;
    }),
    size(1, 50_000).map((n) => `{"pipeline":"${"\\u0000".repeat(n)}"}`),
  );
}

/** Percent-encodes every byte of the UTF-8 of `text` but the unreserved ones (never throws). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((b) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
    )
    .join("");
}
