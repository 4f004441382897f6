import { valid as validSemver, rcompare, prerelease } from "semver";
import { PIPELINE_NAME_PATTERN, PIPELINE_VERSION_PATTERN } from "./pipeline-definition";

/** A parsed `name@version` reference; selector is an exact version, "latest" or "dev". */
export interface PipelineRef {
  name: string;
  selector: string;
}

/** Parses `name`, `name@latest`, `name@dev` or `name@1.2.0`; returns null when malformed. */
export function parsePipelineRef(value: string): PipelineRef | null {
  const at = value.indexOf("@");
  const name = at === -1 ? value : value.slice(0, at);
  const selector = at === -1 ? "latest" : value.slice(at + 1);
  if (!PIPELINE_NAME_PATTERN.test(name)) return null;
  if (selector !== "latest" && !PIPELINE_VERSION_PATTERN.test(selector)) return null;
  return { name, selector };
}

/** A version is a development version when it is `dev`, has a prerelease tag, or says so. */
export function isDevVersion(version: string, explicit?: boolean): boolean {
  if (explicit !== undefined) return explicit;
  if (version === "dev") return true;
  return validSemver(version) !== null && prerelease(version) !== null;
}

/** Picks the version a selector means among the available ones (null when none fits). */
export function resolveVersion(
  versions: readonly { version: string; isDev: boolean }[],
  selector: string,
): string | null {
  if (selector !== "latest" && selector !== "dev") {
    return versions.some((v) => v.version === selector) ? selector : null;
  }
  const wantDev = selector === "dev";
  const candidates = versions.filter((v) => v.isDev === wantDev).map((v) => v.version);
  if (candidates.length === 0) return null;
  return candidates.sort(compareVersions)[0] ?? null;
}

/** Descending order; the bare word `dev` sorts below every semver. */
export function compareVersions(a: string, b: string): number {
  const av = validSemver(a);
  const bv = validSemver(b);
  if (av && bv) return rcompare(av, bv);
  if (av) return -1;
  if (bv) return 1;
  return a.localeCompare(b);
}
