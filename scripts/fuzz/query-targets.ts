/**
 * Query strings of the list and read endpoints: known parameters with odd values,
 * repeated and comma-separated, unknown parameters, broken percent-encoding, raw
 * unicode, very long strings.
 */
import fc from "fast-check";
import { oddString, percentEncode } from "./odd-values";
import type { FuzzRequest, FuzzSeeds } from "./fuzz-request";

const RUN_STATUSES = ["queued", "held", "running", "succeeded", "failed", "error", "cancelled"];

/** A value as it may appear in a query: encoded, raw, or with a broken escape. */
const rawValue = fc.oneof(
  { weight: 4, arbitrary: oddString(20).map(percentEncode) },
  {
    weight: 1,
    arbitrary: oddString(10).map((s) => s.replaceAll(/[#\r\n]/g, "").replaceAll("\u0000", "")),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("%", "%2", "%zz", "%00", "%ff%fe", "%c3%28", "+", "%2C%2C", ",,,"),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => "a".repeat(n)) },
);

function parameter(known: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(known);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom(...names).chain((n) => known[n]!.map((v) => `${n}=${v}`)),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...names), rawValue).map(([n, v]) => `${n}=${v}`),
    },
    { weight: 1, arbitrary: fc.tuple(rawValue, rawValue).map(([n, v]) => `${n}=${v}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        ...names,
        "&",
        "=",
        "==",
        "__proto__=1",
        "constructor[prototype]=1",
      ),
    },
  );
}

const number = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.constantFrom("0", "1e3", "1.5", "-0", "0x10", "NaN", "Infinity", "9".repeat(40), ""),
);
const status = fc.oneof(
  fc.constantFrom(...RUN_STATUSES),
  fc
    .array(fc.constantFrom(...RUN_STATUSES, "QUEUED", "x"), { maxLength: 9 })
    .map((s) => s.join(",")),
);

function queryRequest(paths: fc.Arbitrary<string>, known: Record<string, fc.Arbitrary<string>>) {
  return fc
    .tuple(paths, fc.array(parameter(known), { maxLength: 8 }))
    .map(([path, parts]): FuzzRequest => ({
      method: "GET",
      path: parts.length > 0 ? `${path}?${parts.join("&")}` : path,
      headers: {},
    }));
}

export function queryTarget(seeds: FuzzSeeds) {
  const pipelineNames = seeds.pipelines.map((p) => p.ref.split("@")[0]!);
  const pipelineArg = fc.oneof(
    fc.constantFrom(...seeds.pipelines.map((p) => p.ref), ...pipelineNames),
    rawValue,
  );
  const runs = queryRequest(fc.constant("/api/v1/runs"), {
    status,
    pipeline: pipelineArg,
    user: fc.oneof(fc.constantFrom("admin", "fuzz", "ADMIN", "fuzz%20"), rawValue),
    label: fc.oneof(fc.constantFrom("team:qc", "schedule:1", "a:", ":b", "k:%25"), rawValue),
    q: rawValue,
    limit: number,
    cursor: fc.oneof(fc.constantFrom("0", "zzzz", "01m87ckxvcds6fp772khzjgxz4"), rawValue),
  });
  // A path segment that is not percent-encoded UTF-8 (`%FF`, a lone `%`) in each dynamic route.
  const badSegment = fc.constantFrom("%FF", "%", "%E0%A4", "%C3", "x%zz", "%ED%A0%80");
  const badPaths = fc
    .tuple(
      badSegment,
      fc.constantFrom(
        "/api/v1/runs/$",
        "/api/v1/runs/$/logs",
        "/api/v1/runs/$/outputs",
        "/api/v1/runs/$/outputs/1",
        "/api/v1/pipelines/$",
        "/api/v1/pipelines/$/template.xlsx",
        "/api/v1/schedules/$",
      ),
    )
    .map(([segment, template]) => template.replace("$", segment));
  const others = fc.oneof(
    queryRequest(badPaths, { cursor: number }),
    queryRequest(fc.constant("/api/v1/schedules"), {
      enabled: fc.constantFrom("true", "x"),
      limit: number,
    }),
    queryRequest(fc.constant("/api/v1/pipelines"), { name: rawValue }),
    queryRequest(
      fc.constantFrom(
        ...pipelineNames.map((n) => `/api/v1/pipelines/${n}`),
        "/api/v1/pipelines/%00",
        "/api/v1/pipelines/%E2%80%AE",
      ),
      { version: fc.oneof(fc.constantFrom("1.0.0", "latest", "dev", "1", "1.0.0-x"), rawValue) },
    ),
    queryRequest(
      fc.constantFrom(...pipelineNames.map((n) => `/api/v1/pipelines/${n}/template.xlsx`)),
      {
        version: fc.constantFrom("1.0.0", "dev", "x"),
        example: fc.constantFrom("true", "false", "1", ""),
      },
    ),
    queryRequest(fc.constantFrom(...seeds.runIds.map((id) => `/api/v1/runs/${id}/logs`)), {
      cursor: number,
      limit: number,
      download: fc.constantFrom("true", "false", "yes", ""),
    }),
    queryRequest(fc.constantFrom(...seeds.runIds.map((id) => `/api/v1/runs/${id}/outputs`)), {
      attempt: number,
    }),
  );
  return {
    name: "GET query strings",
    arbitrary: fc.oneof({ weight: 3, arbitrary: runs }, { weight: 2, arbitrary: others }),
  };
}
