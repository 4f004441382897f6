/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidates nearest to `value` (case-insensitively), at most `count`, within a
 * third of its length (at least 2 edits); nearest first, ties in sorted order.
 */
export function closestValues(value: string, candidates: Iterable<string>, count = 3): string[] {
  const max = Math.max(2, Math.floor(value.length / 3));
  const wanted = value.toLowerCase();
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase(), max);
    if (distance <= max) scored.push({ candidate, distance });
  }
  return scored
    .sort(
      (x, y) =>
        x.distance - y.distance ||
        (x.candidate < y.candidate ? -1 : x.candidate > y.candidate ? 1 : 0),
    )
    .slice(0, count)
    .map((s) => s.candidate);
}
