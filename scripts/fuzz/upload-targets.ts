/**
 * Spreadsheet submissions: CSV and workbook bodies (real templates the app generated,
 * and .xlsx, .ods and .xls files other programs wrote, mutated; random bytes; CSV from the schema's columns with odd cells) to
 * POST /api/v1/runs, /api/v1/new-run/ and /api/v1/spreadsheets/convert, and the same as
 * multipart forms, with broken boundaries among them.
 */
import fc from "fast-check";
import { multipartBody } from "./multipart";
import { mutatedBytes } from "./mutations";
import { oddString, percentEncode } from "./odd-values";
import { utf8, XLSX_TYPE, type FuzzRequest, type FuzzSeeds } from "./fuzz-request";

const UPLOAD_PATHS = ["/api/v1/runs", "/api/v1/new-run/", "/api/v1/spreadsheets/convert"];

function pipelineQuery(seeds: FuzzSeeds): fc.Arbitrary<string> {
  const refs = seeds.pipelines.map((p) => p.ref);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...refs).map((r) => `?pipeline=${percentEncode(r)}`),
    },
    { weight: 2, arbitrary: fc.constant("") },
    { weight: 1, arbitrary: oddString(20).map((s) => `?pipeline=${percentEncode(s)}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("?pipeline=hello@1.0.0&dryRun=true", "?pipeline", "?pipeline=%"),
    },
  );
}

/** A CSV cell: ordinary, quoted, with separators, newlines or a formula inside. */
const csvCell = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/) },
  { weight: 1, arbitrary: oddString(16) },
  { weight: 1, arbitrary: oddString(16).map((s) => `"${s.replaceAll('"', '""')}"`) },
  { weight: 1, arbitrary: fc.constantFrom('"', '"a"b"', "a,b", '"a\nb"', "=1+1", "", " ", "1e5") },
);

function csvText(seeds: FuzzSeeds): fc.Arbitrary<string> {
  const rows = fc.array(fc.array(csvCell, { minLength: 0, maxLength: 9 }), { maxLength: 12 });
  const real = fc.constantFrom(...seeds.csvTexts);
  return fc.oneof(
    real,
    fc.tuple(real, rows).map(([text, extra]) => text + extra.map((r) => r.join(",")).join("\n")),
    fc
      .tuple(real, fc.constantFrom("\r\n", "\r", ";", "\t", "\ufeff", "\u0000"))
      .map(([text, sep]) =>
        sep === "\ufeff" ? sep + text : text.replaceAll(/\n|,/g, (m) => (m === "\n" ? sep : m)),
      ),
    fc
      .tuple(real, fc.integer({ min: 1, max: Math.max(1, Math.round(30_000 * seeds.scale)) }))
      .map(([text, n]) => {
        const [, second = ""] = text.split("\n");
        return text + `\n${second}`.repeat(n);
      }),
    rows.map((r) => r.map((cells) => cells.join(",")).join("\n")),
  );
}

/** The bytes of a spreadsheet: CSV text, a real workbook, mutated, or noise. */
function fileBytes(seeds: FuzzSeeds): fc.Arbitrary<{ bytes: Uint8Array; csv: boolean }> {
  const workbook = fc.constantFrom(...seeds.workbooks);
  return fc.oneof(
    { weight: 3, arbitrary: csvText(seeds).map((t) => ({ bytes: utf8(t), csv: true })) },
    { weight: 1, arbitrary: workbook.map((bytes) => ({ bytes, csv: false })) },
    { weight: 5, arbitrary: workbook.chain(mutatedBytes).map((bytes) => ({ bytes, csv: false })) },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 2048 })
        .map((b) => ({ bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...b]), csv: false })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ bytes, csv: true })),
    },
  );
}

/** The raw body as the request body: .xlsx or text/csv by its kind (sometimes the other). */
export function spreadsheetTarget(seeds: FuzzSeeds) {
  const arbitrary: fc.Arbitrary<FuzzRequest> = fc
    .record({
      path: fc.constantFrom(...UPLOAD_PATHS),
      query: pipelineQuery(seeds),
      file: fileBytes(seeds),
      swapType: fc.nat({ max: 9 }).map((n) => n === 0),
    })
    .map(({ path, query, file, swapType }) => ({
      method: "POST",
      path: path + query,
      headers: { "Content-Type": file.csv !== swapType ? "text/csv" : XLSX_TYPE },
      body: file.bytes,
    }));
  return { name: "POST spreadsheet body (CSV, xlsx)", arbitrary };
}

/** multipart/form-data with `file` and the optional fields, well-formed or broken. */
export function multipartTarget(seeds: FuzzSeeds) {
  const refs = seeds.pipelines.map((p) => p.ref);
  const field = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...refs).map((value) => ({ name: "pipeline", value })),
    },
    { weight: 2, arbitrary: oddString(30).map((value) => ({ name: "name", value })) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...seeds.pipelines).map((p) => {
        const top = Object.entries(p.example).filter(([, v]) => !Array.isArray(v));
        return { name: "config", value: JSON.stringify(Object.fromEntries(top)) };
      }),
    },
    { weight: 1, arbitrary: oddString(30).map((value) => ({ name: "config", value })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom("description", "project", "name", "a"),
          fc.integer({ min: 60, max: 100_000 }),
        )
        .map(([key, depth]) => ({
          name: "config",
          value: `{"${key}":${"[".repeat(depth)}${"]".repeat(depth)}}`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(oddString(8), oddString(8)).map(([name, value]) => ({ name, value })),
    },
  );
  const arbitrary: fc.Arbitrary<FuzzRequest> = fc
    .record({
      path: fc.constantFrom(...UPLOAD_PATHS),
      file: fc.oneof({ weight: 12, arbitrary: fileBytes(seeds) }, fc.constant(null)),
      fileName: fc.oneof(
        { weight: 6, arbitrary: fc.constant("") },
        { weight: 1, arbitrary: fc.constantFrom("x", "filled.XLSX", "a.csv.xlsx", ".csv") },
        { weight: 1, arbitrary: oddString(20) },
      ),
      fields: fc.array(field, { maxLength: 4 }),
      form: multipartBody,
    })
    .map(({ path, file, fileName, fields, form }) => {
      // Mostly the name a browser sends for the file picked; sometimes an odd one.
      const name = fileName || (file?.csv ? "samples.csv" : "filled.xlsx");
      const { contentType, body } = form({ file: file?.bytes ?? null, fileName: name, fields });
      return { method: "POST", path, headers: { "Content-Type": contentType }, body };
    });
  return { name: "POST multipart/form-data", arbitrary };
}
