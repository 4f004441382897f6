/** Every fuzzed path, in the order they run. */
import type { FuzzSeeds, FuzzTarget } from "./fuzz-request";
import { legacyJsonTarget, runsJsonTarget } from "./json-targets";
import { queryTarget } from "./query-targets";
import { multipartTarget, spreadsheetTarget } from "./upload-targets";

export function fuzzTargets(seeds: FuzzSeeds): FuzzTarget[] {
  return [
    runsJsonTarget(seeds),
    legacyJsonTarget(seeds),
    spreadsheetTarget(seeds),
    multipartTarget(seeds),
    queryTarget(seeds),
  ];
}
