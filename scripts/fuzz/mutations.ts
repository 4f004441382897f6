/**
 * Mutations of real documents: a valid JSON config with a key dropped, changed or added,
 * its text cut or edited, and the bytes of a real workbook truncated, flipped or spliced
 * (the ZIP container, its central directory and the XML inside all get hit).
 */
import fc from "fast-check";
import { oddJsonValue, oddString } from "./odd-values";

type Json = Record<string, unknown>;

/** A pointer-addressed change to a JSON object, one level deep or inside an array item. */
function changedObject(doc: Json): fc.Arbitrary<Json> {
  const keys = Object.keys(doc);
  if (keys.length === 0) return fc.constant(doc);
  const key = fc.constantFrom(...keys);
  return fc.oneof(
    key.map((k) => Object.fromEntries(Object.entries(doc).filter(([name]) => name !== k))),
    fc.tuple(key, oddJsonValue(2)).map(([k, value]) => ({ ...doc, [k]: value })),
    fc.tuple(oddString(12), oddJsonValue(1)).map(([k, value]) => ({ ...doc, [k]: value })),
    key.chain((k) => {
      const inner: unknown = doc[k];
      if (Array.isArray(inner) && inner.length > 0 && typeof inner[0] === "object") {
        const items = inner as Json[];
        return changedObject(items[0]!).map((item) => ({ ...doc, [k]: [item, ...items] }));
      }
      return fc.constant({ ...doc, [k]: [inner, inner] });
    }),
  );
}

/** Text edits: cut, a character deleted, inserted or replaced, a key given twice. */
function editedText(text: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: Math.max(0, text.length) });
  return fc.oneof(
    at.map((i) => text.slice(0, i)),
    at.map((i) => text.slice(0, i) + text.slice(i + 1)),
    fc.tuple(at, oddString(4)).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc
      .tuple(at, fc.constantFrom("{", "}", "[", "]", ",", ":", '"', "\\", "\u0000", "1e999"))
      .map(([i, s]) => text.slice(0, i) + s + text.slice(i + 1)),
    fc.constant(text.replace(/^\{/, '{"pipeline":"hello@1.0.0",')),
    fc.constant(`\ufeff${text}`),
    fc.constant(`${text}${text}`),
  );
}

/** A valid document changed structurally or textually. */
export function mutatedJsonText(doc: Json): fc.Arbitrary<string> {
  const structural = changedObject(doc).map((d) => JSON.stringify(d));
  return fc.oneof(
    { weight: 3, arbitrary: structural },
    { weight: 2, arbitrary: structural.chain(editedText) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(doc, null, 2)).chain(editedText) },
  );
}

/** Bytes of a real file truncated, overwritten, spliced or with a region dropped. */
export function mutatedBytes(original: Uint8Array): fc.Arbitrary<Uint8Array> {
  const n = original.length;
  const at = fc.nat({ max: Math.max(0, n - 1) });
  const copy = () => Uint8Array.from(original);
  const tail = fc.integer({ min: 1, max: Math.min(n, 4096) }); // the central directory lives here
  return fc.oneof(
    at.map((i) => original.slice(0, i)),
    tail.map((k) => original.slice(0, n - k)),
    fc
      .array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
      .map((edits) => {
        const bytes = copy();
        for (const [i, value] of edits) bytes[i] = value;
        return bytes;
      }),
    fc.tuple(tail, fc.integer({ min: 0, max: 255 })).map(([k, value]) => {
      const bytes = copy();
      bytes[n - k] = value;
      return bytes;
    }),
    fc.tuple(at, at).map(([a, b]) => {
      const [from, to] = a < b ? [a, b] : [b, a];
      return Uint8Array.from([...original.slice(0, from), ...original.slice(to)]);
    }),
    fc
      .tuple(at, fc.uint8Array({ minLength: 1, maxLength: 64 }))
      .map(([i, junk]) =>
        Uint8Array.from([...original.slice(0, i), ...junk, ...original.slice(i)]),
      ),
  );
}
