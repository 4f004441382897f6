import type { z } from "zod";
import { zodProblem } from "../errors";

/**
 * Parses a query string with a zod schema. `repeatable` keys become arrays (`?a=1&a=2`),
 * and those in `commaLists` also accept `?a=1,2`. 400 on failure, each problem at its
 * JSON Pointer (`/status/0`).
 */
export function parseQuery<T extends z.ZodType>(
  url: URL,
  schema: T,
  options: { repeatable?: readonly string[]; commaLists?: readonly string[] } = {},
): z.infer<T> {
  const repeatable = options.repeatable ?? [];
  const commaLists = options.commaLists ?? [];
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    raw[key] = repeatable.includes(key)
      ? values
          .flatMap((v) => (commaLists.includes(key) ? v.split(",") : [v]))
          .filter((v) => v !== "")
      : (values[values.length - 1] ?? "");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw zodProblem(parsed.error, { code: "BAD_REQUEST", subject: "The query string" });
  }
  return parsed.data;
}

/** A page's `searchParams` (Next.js: one value or several per key) as a URLSearchParams. */
export function toSearch(params: Record<string, string | string[] | undefined>): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
      search.append(key, v);
  }
  return search;
}
