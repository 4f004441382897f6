import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export interface FastqFacts {
  reads: number;
  bases: number;
  composition: Record<"A" | "C" | "G" | "T" | "N", number>;
  qualitySum: number;
}

/**
 * Reads a FASTQ fixture independently of the pipeline (a second implementation, kept
 * deliberately simple) so that the e2e test checks real numbers, not the pipeline
 * against itself.
 */
export function fastqFacts(file: string): FastqFacts {
  const raw = readFileSync(file);
  const text = (file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("ascii");
  const lines = text.split("\n").filter((line) => line.length > 0);
  const facts: FastqFacts = {
    reads: 0,
    bases: 0,
    composition: { A: 0, C: 0, G: 0, T: 0, N: 0 },
    qualitySum: 0,
  };
  for (let i = 0; i + 3 < lines.length; i += 4) {
    const sequence = lines[i + 1]!;
    const quality = lines[i + 3]!;
    facts.reads++;
    facts.bases += sequence.length;
    for (const base of sequence.toUpperCase()) {
      if (base in facts.composition) facts.composition[base as keyof FastqFacts["composition"]]++;
    }
    for (let q = 0; q < quality.length; q++) facts.qualitySum += quality.charCodeAt(q) - 33;
  }
  return facts;
}
