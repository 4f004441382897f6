/**
 * The `mimetype` of an nf-schema path, checked by the file's name (the browser can, and no
 * file is opened): the extensions each type takes. A text type also takes its name with a
 * compression suffix (`reads.fastq.gz` is text/plain), as sequencing tools read both. A type
 * not listed here is not checked.
 */
const EXTENSIONS: Record<string, readonly string[]> = {
  "text/plain": [
    ".txt",
    ".text",
    ".fastq",
    ".fq",
    ".fasta",
    ".fa",
    ".fna",
    ".faa",
    ".sam",
    ".vcf",
    ".bed",
    ".gtf",
    ".gff",
    ".gff3",
    ".csv",
    ".tsv",
    ".tab",
    ".log",
  ],
  "text/csv": [".csv"],
  "text/tab-separated-values": [".tsv", ".tab", ".txt"],
  "application/json": [".json"],
  "application/yaml": [".yaml", ".yml"],
  "application/x-yaml": [".yaml", ".yml"],
  "text/yaml": [".yaml", ".yml"],
  "text/x-yaml": [".yaml", ".yml"],
  "application/xml": [".xml"],
  "text/xml": [".xml"],
  "application/gzip": [".gz", ".tgz", ".bgz"],
  "application/x-gzip": [".gz", ".tgz", ".bgz"],
  "application/x-bzip2": [".bz2"],
  "application/zip": [".zip"],
  "application/x-tar": [".tar"],
  "application/pdf": [".pdf"],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
  "image/png": [".png"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/tiff": [".tif", ".tiff"],
  "image/svg+xml": [".svg"],
};

const COMPRESSED = /\.(gz|bgz|bz2|zst|xz)$/i;

const isText = (mimetype: string) =>
  mimetype.startsWith("text/") ||
  ["application/json", "application/yaml", "application/x-yaml", "application/xml"].includes(
    mimetype,
  );

/** The extensions a mimetype takes, or undefined when it is not one Runport checks. */
export function extensionsOf(mimetype: string): readonly string[] | undefined {
  return EXTENSIONS[mimetype.toLowerCase()];
}

/** True when the path's file name fits the type (always, for a type not listed). */
export function nameFitsMimetype(value: string, mimetype: string): boolean {
  const extensions = extensionsOf(mimetype);
  if (!extensions) return true;
  const name = value.slice(value.lastIndexOf("/") + 1).toLowerCase();
  const fits = (n: string) => extensions.some((ext) => n.endsWith(ext) && n.length > ext.length);
  return fits(name) || (isText(mimetype.toLowerCase()) && fits(name.replace(COMPRESSED, "")));
}
