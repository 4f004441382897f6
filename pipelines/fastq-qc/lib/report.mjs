// Turns raw per-file counts into the report: per-file and per-sample figures, qc.json,
// qc.tsv and the summary table printed at the end. Counts stay exact; percentages and means
// are rounded to 2 decimals.
import { BASES } from "./fastq.mjs";

function round2(value) {
  return Math.round(value * 100) / 100;
}

/** A rounded ratio in percent, or null when there is nothing to divide by. */
function percent(part, whole) {
  return whole > 0 ? round2((part * 100) / whole) : null;
}

function mean(sum, count) {
  return count > 0 ? round2(sum / count) : null;
}

/** GC over the called bases (A, C, G, T), as FastQC does: N says nothing about GC. */
function gcPercent(composition) {
  const gc = composition.G + composition.C;
  return percent(gc, gc + composition.A + composition.T);
}

/** The report entry of one file from its config entry and its raw counts. */
export function fileReport(entry, counts) {
  return {
    fastqPath: entry.fastqPath,
    fastqCode: entry.fastqCode,
    sampleName: entry.sampleName,
    reads: counts.reads,
    bases: counts.bases,
    meanLength: mean(counts.bases, counts.reads),
    minLength: counts.minLength,
    maxLength: counts.maxLength,
    composition: counts.composition,
    compositionPercent: Object.fromEntries(
      BASES.map((base) => [base, percent(counts.composition[base], counts.bases)]),
    ),
    gcPercent: gcPercent(counts.composition),
    meanQuality: mean(counts.qualitySum, counts.bases),
    percentAtLeastMinQuality: percent(counts.atLeastMinQuality, counts.bases),
  };
}

/** Distinct values in order of appearance, joined with "," (a sample may span lanes). */
function distinct(values) {
  return [...new Set(values)].join(",");
}

/** Sums the files of each sample, in order of first appearance. */
function sampleReports(entries, allCounts) {
  const groups = new Map();
  entries.forEach((entry, i) => {
    const group = groups.get(entry.sampleName) ?? [];
    group.push({ entry, counts: allCounts[i] });
    groups.set(entry.sampleName, group);
  });
  return [...groups].map(([sampleName, group]) => {
    const sum = (pick) => group.reduce((total, item) => total + pick(item.counts), 0);
    const composition = Object.fromEntries(
      BASES.map((base) => [base, sum((c) => c.composition[base])]),
    );
    const readsOf = (code) =>
      group.filter((item) => item.entry.fastqCode === code).reduce((t, i) => t + i.counts.reads, 0);
    const codes = ["R1", "R2"].filter((code) => group.some((i) => i.entry.fastqCode === code));
    const bases = sum((c) => c.bases);
    const qualitySum = sum((c) => c.qualitySum);
    return {
      sampleName,
      rgsm: distinct(group.map((i) => i.entry.rgsm)),
      rglb: distinct(group.map((i) => i.entry.rglb)),
      rgpu: distinct(group.map((i) => i.entry.rgpu)),
      fastqCodes: codes,
      files: group.length,
      reads: sum((c) => c.reads),
      readsR1: readsOf("R1"),
      readsR2: readsOf("R2"),
      bases,
      gcPercent: gcPercent(composition),
      meanQuality: mean(qualitySum, bases),
    };
  });
}

/** qc.json's content. */
export function buildReport({ pipeline, runId, config, counts }) {
  const files = config.dataFiles.map((entry, i) => fileReport(entry, counts[i]));
  const samples = sampleReports(config.dataFiles, counts);
  return {
    pipeline,
    runId,
    project: config.project,
    study: config.study,
    minQuality: config.minQuality,
    files,
    samples,
    totals: {
      files: files.length,
      samples: samples.length,
      reads: files.reduce((total, file) => total + file.reads, 0),
      bases: files.reduce((total, file) => total + file.bases, 0),
    },
  };
}

/** Samples whose R1 and R2 files disagree on the number of reads (the pairs are broken). */
export function pairingProblems(report) {
  return report.samples
    .filter((s) => s.fastqCodes.length === 2 && s.readsR1 !== s.readsR2)
    .map((s) => `sample ${s.sampleName}: R1 has ${s.readsR1} reads but R2 has ${s.readsR2}`);
}

const TSV_COLUMNS = [
  ["fastqPath", (f) => f.fastqPath],
  ["fastqCode", (f) => f.fastqCode],
  ["sampleName", (f) => f.sampleName],
  ["reads", (f) => f.reads],
  ["bases", (f) => f.bases],
  ["meanLength", (f) => f.meanLength],
  ["minLength", (f) => f.minLength],
  ["maxLength", (f) => f.maxLength],
  ...BASES.map((base) => [base, (f) => f.composition[base]]),
  ...BASES.map((base) => [`percent${base}`, (f) => f.compositionPercent[base]]),
  ["gcPercent", (f) => f.gcPercent],
  ["meanQuality", (f) => f.meanQuality],
  ["percentAtLeastMinQuality", (f) => f.percentAtLeastMinQuality],
];

/** qc.tsv: a header row and one row per file; null (no reads) is an empty cell. */
export function toTsv(report) {
  const cell = (value) => (value === null ? "" : String(value).replace(/[\t\r\n]/g, " "));
  const rows = [TSV_COLUMNS.map(([name]) => name)];
  for (const file of report.files) rows.push(TSV_COLUMNS.map(([, pick]) => cell(pick(file))));
  return rows.map((row) => row.join("\t")).join("\n") + "\n";
}

/** A plain-text table; numbers right-aligned, null (no reads) shown as "-". */
function table(header, rows) {
  const show = (value) => (value === null ? "-" : String(value));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => show(r[i]).length)));
  const numeric = header.map((_, i) => rows.some((row) => typeof row[i] === "number"));
  const format = (row) =>
    row
      .map((value, i) =>
        numeric[i] ? show(value).padStart(widths[i]) : show(value).padEnd(widths[i]),
      )
      .join("  ")
      .trimEnd();
  return [format(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(format)].join(
    "\n",
  );
}

/** The summary printed at the end of the log. */
export function formatSummary(report) {
  const fileHeader = ["file", "read", "sample", "reads", "bases", "mean len", "GC %", "mean Q"];
  const files = table(
    [...fileHeader, `% Q>=${report.minQuality}`],
    report.files.map((f) => [
      f.fastqPath,
      f.fastqCode,
      f.sampleName,
      f.reads,
      f.bases,
      f.meanLength,
      f.gcPercent,
      f.meanQuality,
      f.percentAtLeastMinQuality,
    ]),
  );
  const samples = table(
    ["sample", "reads", "files", "R1/R2", "bases", "GC %", "mean Q"],
    report.samples.map((s) => [
      s.sampleName,
      s.reads,
      s.files,
      s.fastqCodes.join("+"),
      s.bases,
      s.gcPercent,
      s.meanQuality,
    ]),
  );
  const t = report.totals;
  return [
    "Files",
    files,
    "",
    "Samples",
    samples,
    "",
    `Total: ${t.files} files, ${t.samples} samples, ${t.reads} reads, ${t.bases} bases`,
  ].join("\n");
}
