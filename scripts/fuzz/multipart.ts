/**
 * multipart/form-data bodies built byte by byte, so that they can be broken the ways
 * clients and proxies break them: a boundary that does not match, no closing
 * delimiter, LF instead of CRLF, no boundary parameter, a 200-character boundary, a
 * part without a name, a body cut in the middle.
 */
import fc from "fast-check";
import { oddString } from "./odd-values";
import { utf8 } from "./fuzz-request";
import { wellFormed } from "@/lib/json/well-formed";

export interface FormContent {
  file: Uint8Array | null;
  fileName: string;
  fields: { name: string; value: string }[];
}

const BREAKAGES = [
  "none",
  "wrong-boundary",
  "no-closing",
  "lf-only",
  "no-boundary-param",
  "long-boundary",
  "quoted-boundary",
  "nameless-part",
  "cut",
  "no-headers-end",
  "filename-star",
] as const;

const quote = (s: string) => s.replaceAll(/["\r\n\\]/g, (c) => encodeURIComponent(c));

function build(
  content: FormContent,
  breakage: (typeof BREAKAGES)[number],
  boundary: string,
  cutAt: number,
) {
  const eol = breakage === "lf-only" ? "\n" : "\r\n";
  const sent = breakage === "long-boundary" ? "b".repeat(200) : boundary;
  const delimiter = breakage === "wrong-boundary" ? `${sent}x` : sent;
  const chunks: Uint8Array[] = [];
  const text = (s: string) => chunks.push(utf8(s));
  for (const f of content.fields) {
    text(`--${delimiter}${eol}Content-Disposition: form-data; name="${quote(f.name)}"${eol}${eol}`);
    text(`${f.value}${eol}`);
  }
  if (content.file) {
    const name = breakage === "nameless-part" ? "" : ' name="file";';
    const fileName =
      breakage === "filename-star"
        ? ` filename*=UTF-8''${encodeURIComponent(wellFormed(content.fileName))}`
        : ` filename="${quote(content.fileName)}"`;
    text(`--${delimiter}${eol}Content-Disposition: form-data;${name}${fileName}${eol}`);
    text(
      breakage === "no-headers-end" ? eol : `Content-Type: application/octet-stream${eol}${eol}`,
    );
    chunks.push(content.file);
    text(eol);
  }
  if (breakage !== "no-closing") text(`--${delimiter}--${eol}`);
  let body = Buffer.concat(chunks);
  if (breakage === "cut") body = body.subarray(0, cutAt % (body.length + 1));
  const parameter =
    breakage === "no-boundary-param"
      ? ""
      : breakage === "quoted-boundary"
        ? `; boundary="${sent}"`
        : `; boundary=${sent}`;
  return { contentType: `multipart/form-data${parameter}`, body: new Uint8Array(body) };
}

/** Picks a breakage (mostly none) and a boundary; returns the form's builder. */
export const multipartBody = fc
  .record({
    // Half of the forms well-formed, so that what they carry gets read too.
    breakage: fc.oneof(fc.constant("none" as const), fc.constantFrom(...BREAKAGES)),
    boundary: fc.oneof(
      { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/) },
      { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9'()+_,./:=? -]{1,70}$/) },
      { weight: 1, arbitrary: oddString(12).map((s) => s.replaceAll(/[\r\n;"]/g, "") || "x") },
    ),
    cutAt: fc.nat(),
  })
  .map(
    ({ breakage, boundary, cutAt }) =>
      (content: FormContent) =>
        build(content, breakage, boundary, cutAt),
  );
