/**
 * JSON submissions: POST /api/v1/runs (the envelope) and POST /api/v1/new-run/ (the
 * config itself), with configs from the pipelines' schemas, mutated examples, odd JSON,
 * costly documents, and odd media types and Idempotency-Keys.
 */
import fc from "fast-check";
import { costlyJsonText, oddJsonValue, oddString } from "./odd-values";
import { mutatedJsonText } from "./mutations";
import { valueFor } from "./schema-values";
import { utf8, type FuzzPipeline, type FuzzRequest, type FuzzSeeds } from "./fuzz-request";

const JSON_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/problem+json",
  "application/json; charset=latin1",
  "text/plain",
  "",
  "application/x-www-form-urlencoded",
  "application/json; boundary=--x",
];

function pipelineRef(pipelines: FuzzPipeline[]): fc.Arbitrary<string> {
  const refs = pipelines.map((p) => p.ref);
  const names = refs.map((r) => r.split("@")[0]!);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...refs) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...names.flatMap((n) => [n, `${n}@latest`, `${n}@dev`])),
    },
    { weight: 1, arbitrary: fc.constantFrom("nope@1.0.0", "hello@9.9.9", "@", "hello@", "HELLO") },
    { weight: 1, arbitrary: oddString(20) },
  );
}

/** A config text for one pipeline: from its schema, or its example mutated. */
function configText(pipeline: FuzzPipeline): fc.Arbitrary<string> {
  return fc.oneof(
    valueFor(pipeline.schema).map((value) => JSON.stringify(value)),
    mutatedJsonText(pipeline.example),
  );
}

const envelopeExtras = fc.record(
  {
    name: fc.oneof(oddString(40), fc.constant(null), fc.constant("x".repeat(256))),
    labels: fc.oneof(
      fc.dictionary(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,8}$/), oddString(20), {
        maxKeys: 4,
      }),
      oddJsonValue(2),
    ),
    hold: fc.oneof(fc.boolean(), oddJsonValue(1)),
    priority: fc.oneof(fc.integer({ min: -2, max: 102 }), oddJsonValue(1)),
  },
  { requiredKeys: [] },
);

function runsBody(seeds: FuzzSeeds): fc.Arbitrary<string> {
  const pipeline = fc.constantFrom(...seeds.pipelines);
  const envelope = fc
    .tuple(pipeline, pipelineRef(seeds.pipelines), envelopeExtras)
    .chain(([p, ref, extras]) =>
      configText(p).map((config) => {
        const rest = JSON.stringify(extras).slice(1, -1);
        return `{"pipeline":${JSON.stringify(ref)},"config":${config}${rest ? `,${rest}` : ""}}`;
      }),
    );
  const valid = pipeline.map((p) => JSON.stringify({ pipeline: p.ref, config: p.example }));
  return fc.oneof(
    { weight: 6, arbitrary: envelope },
    {
      weight: 2,
      arbitrary: valid.chain((text) =>
        mutatedJsonText(JSON.parse(text) as object as Record<string, unknown>),
      ),
    },
    { weight: 1, arbitrary: oddJsonValue(4).map((v) => JSON.stringify(v) ?? "") },
    { weight: 1, arbitrary: costlyJsonText(seeds.scale) },
  );
}

function legacyBody(seeds: FuzzSeeds): fc.Arbitrary<string> {
  const pipeline = fc.constantFrom(...seeds.pipelines);
  return fc.oneof(
    { weight: 6, arbitrary: pipeline.chain(configText) },
    {
      weight: 2,
      arbitrary: pipeline.chain((p) => mutatedJsonText({ pipeline: p.ref, ...p.example })),
    },
    { weight: 1, arbitrary: oddJsonValue(4).map((v) => JSON.stringify(v) ?? "") },
    { weight: 1, arbitrary: costlyJsonText(seeds.scale) },
  );
}

/** Bytes of the text, now and then not UTF-8 at all. */
function bodyBytes(text: string): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(utf8(text)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    {
      weight: 1,
      arbitrary: fc.constant(Uint8Array.from([...utf8(text.slice(0, 20)), 0xc3, 0x28, 0xff])),
    },
  );
}

function jsonRequest(
  path: fc.Arbitrary<string>,
  body: fc.Arbitrary<string>,
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path,
      dryRun: fc.constantFrom("", "", "", "?dryRun=true", "?dryRun=1", "?dryRun=%00"),
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constant("application/json") },
        fc.constantFrom(...JSON_TYPES),
      ),
      key: fc.oneof(
        { weight: 8, arbitrary: fc.constant(null) },
        { weight: 2, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: fc.oneof(oddString(10), fc.constant("schedule:1:2026")) },
      ),
      bytes: body.chain(bodyBytes),
    })
    .map(({ path, dryRun, type, key, bytes }) => ({
      method: "POST" as const,
      path: path + dryRun,
      headers: {
        ...(type ? { "Content-Type": type } : {}),
        // A header value must be ISO-8859-1: a key that is not is sent as its UTF-8 bytes' code units.
        ...(key !== null ? { "Idempotency-Key": Buffer.from(key, "utf8").toString("latin1") } : {}),
      },
      body: bytes,
    }));
}

export function runsJsonTarget(seeds: FuzzSeeds) {
  return {
    name: "POST /api/v1/runs (JSON)",
    arbitrary: jsonRequest(fc.constant("/api/v1/runs"), runsBody(seeds)),
  };
}

export function legacyJsonTarget(seeds: FuzzSeeds) {
  const path = fc.constantFrom("/api/v1/new-run/", "/api/v1/new-run");
  return { name: "POST /api/v1/new-run/ (JSON)", arbitrary: jsonRequest(path, legacyBody(seeds)) };
}
