// Generates the demo FASTQ files in data/: 2 samples x R1/R2, Illumina-like headers, read
// lengths 90-100, a sample-specific GC content, some N bases and qualities that fall along the
// read. A seeded PRNG and gzipSync (which writes mtime 0) make every byte reproducible.
//
// Usage: node tools/make-fixtures.mjs [outputDir]   (default: the pipeline's data/ folder)
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const SAMPLES = [
  { name: "sample1", seed: 1, pairs: 400, gc: 0.42, lane: 1, index: "ACGTACGT", gzip: true },
  { name: "sample2", seed: 2, pairs: 300, gc: 0.55, lane: 2, index: "TGCATGCA", gzip: false },
];
const FLOWCELL = "HRP01AAXX";

/** mulberry32: a tiny, well-mixed 32-bit PRNG; enough for test data, and fully deterministic. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function integer(random, min, max) {
  return min + Math.floor(random() * (max - min + 1));
}

/** Most reads keep the full 100 cycles; some were adapter-trimmed a little. */
function readLength(random) {
  return random() < 0.7 ? 100 : integer(random, 90, 99);
}

function sequence(random, length, gc) {
  let bases = "";
  for (let i = 0; i < length; i++) {
    // N calls are likelier on the first cycle, as on real instruments.
    const nChance = i === 0 ? 0.02 : 0.003;
    const r = random();
    if (r < nChance) bases += "N";
    else if (random() < gc) bases += random() < 0.5 ? "G" : "C";
    else bases += random() < 0.5 ? "A" : "T";
  }
  return bases;
}

/** Quality starts high and drops towards the 3' end; R2 and a few bad reads are lower. */
function qualities(random, bases, mate) {
  const poorRead = random() < 0.05 ? 12 : 0;
  let text = "";
  for (let i = 0; i < bases.length; i++) {
    if (bases[i] === "N") {
      text += "#"; // Q2, as Illumina reports for N calls
      continue;
    }
    const position = i / bases.length;
    const expected = 38 - 12 * position * position - (mate === 2 ? 2 : 0) - poorRead;
    const noise = (random() + random() + random() - 1.5) * 5;
    const q = Math.max(2, Math.min(41, Math.round(expected + noise)));
    text += String.fromCharCode(33 + q);
  }
  return text;
}

/** The text of a sample's R1 and R2 files; mates share their read name. */
function sampleFastq(sample) {
  const random = prng(sample.seed);
  const mates = { 1: [], 2: [] };
  for (let n = 0; n < sample.pairs; n++) {
    const name =
      `@RP01:7:${FLOWCELL}:${sample.lane}:${integer(random, 1101, 1112)}:` +
      `${integer(random, 1000, 32000)}:${integer(random, 1000, 32000)}`;
    for (const mate of [1, 2]) {
      const bases = sequence(random, readLength(random), sample.gc);
      const header = `${name} ${mate}:N:0:${sample.index}`;
      mates[mate].push(`${header}\n${bases}\n+\n${qualities(random, bases, mate)}\n`);
    }
  }
  return { R1: mates[1].join(""), R2: mates[2].join("") };
}

const outputDir = path.resolve(
  process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "data"),
);
mkdirSync(outputDir, { recursive: true });
for (const sample of SAMPLES) {
  const texts = sampleFastq(sample);
  for (const code of ["R1", "R2"]) {
    const file = path.join(outputDir, `${sample.name}_${code}.fastq${sample.gzip ? ".gz" : ""}`);
    const bytes = Buffer.from(texts[code], "ascii");
    writeFileSync(file, sample.gzip ? gzipSync(bytes, { level: 9 }) : bytes);
    console.log(`wrote ${file} (${sample.pairs} reads)`);
  }
}
