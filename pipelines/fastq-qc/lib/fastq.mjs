// Streaming FASTQ statistics. Works on raw bytes, one line at a time, so memory stays bounded
// by the longest line whatever the file size, and no string is built per read.
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { InputError } from "./config.mjs";

/** Longest line accepted: far above real long reads, low enough to bound memory. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const AT_SIGN = 64;
const PLUS_SIGN = 43;
/** Phred+33: '!' is quality 0, '~' (126) quality 93. */
const PHRED_OFFSET = 33;
const MAX_PHRED = 93;

/** Composition slots, in the order of BASES; INVALID marks bytes that are not a base. */
export const BASES = ["A", "C", "G", "T", "N"];
const INVALID = 255;
const BASE_SLOT = new Uint8Array(256).fill(INVALID);
for (const [slot, letters] of ["Aa", "Cc", "Gg", "Tt", "Nn.RYKMSWBDHVrykmswbdhv"].entries()) {
  // IUPAC ambiguity codes and "." are unknown bases: they count as N.
  for (const letter of letters) BASE_SLOT[letter.charCodeAt(0)] = slot;
}

/** A malformed record: names the file and the line. */
export class FastqError extends InputError {
  constructor(file, line, problem) {
    super(`malformed FASTQ in ${file} at line ${line}: ${problem}`);
    this.file = file;
    this.line = line;
  }
}

function preview(bytes) {
  const text = bytes.subarray(0, 40).toString("latin1");
  return JSON.stringify(bytes.length > 40 ? `${text}…` : text);
}

/** Accumulates the figures of one file from its lines (records of exactly 4 lines). */
class FastqCounter {
  constructor(file, minQuality) {
    this.file = file;
    this.minQuality = minQuality;
    this.lineNumber = 0;
    this.slot = 0; // 0 header, 1 sequence, 2 separator, 3 quality
    this.recordLine = 0;
    this.sequenceLength = 0;
    this.reads = 0;
    this.bases = 0;
    this.minLength = Infinity;
    this.maxLength = 0;
    this.composition = [0, 0, 0, 0, 0];
    this.qualitySum = 0;
    this.atLeastMinQuality = 0;
  }

  fail(problem) {
    throw new FastqError(this.file, this.lineNumber, problem);
  }

  /** One line without its "\n"; a trailing "\r" (Windows line ends) is ignored. */
  line(bytes) {
    this.lineNumber++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end--;
    switch (this.slot) {
      case 0:
        if (end === 0) return; // blank lines between records (e.g. at the end) are harmless
        if (bytes[0] !== AT_SIGN) {
          this.fail(`expected a record header starting with "@", found ${preview(bytes)}`);
        }
        this.recordLine = this.lineNumber;
        break;
      case 1:
        this.sequence(bytes, end);
        break;
      case 2:
        if (end === 0 || bytes[0] !== PLUS_SIGN) {
          this.fail(`expected the separator line starting with "+", found ${preview(bytes)}`);
        }
        break;
      case 3:
        this.quality(bytes, end);
        break;
    }
    this.slot = (this.slot + 1) % 4;
  }

  sequence(bytes, end) {
    const composition = this.composition;
    for (let i = 0; i < end; i++) {
      const slot = BASE_SLOT[bytes[i]];
      if (slot === INVALID) {
        this.fail(`invalid base ${preview(bytes.subarray(i, i + 1))} at column ${i + 1}`);
      }
      composition[slot]++;
    }
    this.sequenceLength = end;
  }

  quality(bytes, end) {
    if (end !== this.sequenceLength) {
      this.fail(`quality has ${end} characters but the sequence has ${this.sequenceLength}`);
    }
    const minQuality = this.minQuality;
    let sum = 0;
    let good = 0;
    for (let i = 0; i < end; i++) {
      const q = bytes[i] - PHRED_OFFSET;
      if (q < 0 || q > MAX_PHRED) {
        this.fail(`invalid Phred+33 quality character at column ${i + 1}`);
      }
      sum += q;
      if (q >= minQuality) good++;
    }
    this.qualitySum += sum;
    this.atLeastMinQuality += good;
    this.reads++;
    this.bases += end;
    if (end < this.minLength) this.minLength = end;
    if (end > this.maxLength) this.maxLength = end;
  }

  finish() {
    if (this.slot !== 0) {
      throw new FastqError(
        this.file,
        this.recordLine,
        `the record starting here is incomplete (the file ends at line ${this.lineNumber})`,
      );
    }
    return {
      reads: this.reads,
      bases: this.bases,
      minLength: this.reads > 0 ? this.minLength : null,
      maxLength: this.reads > 0 ? this.maxLength : null,
      composition: Object.fromEntries(BASES.map((base, i) => [base, this.composition[i]])),
      qualitySum: this.qualitySum,
      atLeastMinQuality: this.atLeastMinQuality,
    };
  }
}

/** Splits a byte stream into lines, carrying a partial line over from one chunk to the next. */
class LineSplitter {
  constructor(onLine, onTooLong) {
    this.onLine = onLine;
    this.onTooLong = onTooLong;
    this.pending = [];
    this.pendingBytes = 0;
  }

  push(chunk) {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    if (this.pendingBytes > 0 && newline !== -1) {
      this.pending.push(chunk.subarray(0, newline));
      this.onLine(Buffer.concat(this.pending));
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    while (newline !== -1) {
      this.onLine(chunk.subarray(start, newline));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > MAX_LINE_BYTES) this.onTooLong();
    }
  }

  /** The last line may lack its "\n". */
  end() {
    if (this.pendingBytes > 0) this.onLine(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/**
 * Reads one FASTQ file (gzip when the name ends in .gz) and returns its figures.
 * `onRead(bytesRead)` (may return a promise) is told how many bytes of the file were consumed
 * (compressed bytes for gzip).
 */
export async function fastqStats(file, { gzip, minQuality, onRead = () => {} }) {
  const counter = new FastqCounter(file, minQuality);
  const splitter = new LineSplitter(
    (line) => counter.line(line),
    () => counter.fail(`a line is longer than ${MAX_LINE_BYTES} bytes`),
  );
  const source = createReadStream(file, { highWaterMark: 1024 * 1024 });
  // pipeline() destroys every stream on error, so the loop below sees read and gunzip errors.
  const input = gzip ? pipeline(source, createGunzip(), () => {}) : source;
  try {
    for await (const chunk of input) {
      splitter.push(chunk);
      await onRead(source.bytesRead);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (gzip && error.code?.startsWith("Z_")) {
      throw new InputError(`${file} is not a valid gzip file: ${error.message}`);
    }
    throw new InputError(`cannot read ${file}: ${error.message}`);
  } finally {
    source.destroy();
  }
  splitter.end();
  return counter.finish();
}
