/**
 * The text of a run's log as people see it: in the run page's viewer, through
 * `GET /runs/{id}/logs` in a terminal, in the download. Two rules keep it honest:
 *
 * - Only the platform begins a line with PLATFORM_MARKER (the viewer styles those lines
 *   as the platform's). The worker escapes a pipeline's line that would begin with it.
 * - No control characters but tab and newline: a pipeline's ANSI/OSC escape sequences
 *   could otherwise recolour, retitle, hide or rewrite what an operator's terminal shows
 *   (carriage returns included: a line overwritten by the next one).
 */

/** The start of every line the platform writes into a run's log. */
export const PLATFORM_MARKER = "[runport]";

/** Put before a pipeline's text that would make a line begin with the marker. */
export const MARKER_ESCAPE = "\\";

// ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), DCS, SOS,
// PM, APC (ESC P/X/^/_ ... ESC \), and two-character escapes. A string sequence ends at the
// end of its line at the latest, so an unterminated one never swallows the lines after it.
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b\n]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b\n]*(?:\u001b\\)?|[ -/]*[0-~])?/g;
// C0 but tab and newline, DEL, C1.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * The text without escape sequences and control characters (tab and newline stay); a
 * carriage return ends a line, as it does on a terminal (`\r\n` is one newline).
 */
export function neutraliseControls(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, "").replace(/\r\n?/g, "\n").replace(CONTROL, "");
}

/** True for a line the platform wrote (after the worker's escaping, nobody else can). */
export function isPlatformLine(line: string): boolean {
  return line.startsWith(PLATFORM_MARKER);
}

/**
 * Where a log's current line stands, for the escaping: its text while it is still a
 * beginning of the marker ("" at the start of a line), else null (it can no longer
 * become a platform line).
 */
export type LineStart = string | null;

function after(lineStart: LineStart, piece: string): LineStart {
  if (piece.endsWith("\n")) return "";
  if (lineStart === null) return null;
  const line = lineStart + piece;
  return PLATFORM_MARKER.startsWith(line) ? line : null;
}

/**
 * A pipeline's text as the log stores it: every line of the log that this text would
 * make begin with the marker gets MARKER_ESCAPE where the text's part of it begins (the
 * start of the line, or after the marker's beginning another write left). The text
 * must be neutralised first. Returns the text and where the log's line stands after it.
 */
export function escapePlatformMarker(
  lineStart: LineStart,
  text: string,
): { text: string; lineStart: LineStart } {
  let state = lineStart;
  let out = "";
  let from = 0;
  while (from < text.length) {
    if (state === null || (state === "" && text[from] !== PLATFORM_MARKER[0])) {
      // This line cannot become the marker: copy up to the next line that begins as the
      // marker does, in one slice (a line at a time cost a flood most of its CPU).
      const next = text.indexOf(`\n${PLATFORM_MARKER[0]}`, from);
      if (next === -1) {
        out += text.slice(from);
        return { text: out, lineStart: text.endsWith("\n") ? "" : null };
      }
      out += text.slice(from, next + 1);
      from = next + 1;
      state = "";
      continue;
    }
    const newline = text.indexOf("\n", from);
    const piece = text.slice(from, newline === -1 ? text.length : newline + 1);
    from += piece.length;
    const escape = (state + piece).startsWith(PLATFORM_MARKER);
    const written = escape ? MARKER_ESCAPE + piece : piece;
    out += written;
    state = escape && !piece.endsWith("\n") ? null : after(state, written);
  }
  return { text: out, lineStart: state };
}

/** Where the log's line stands after text written as is (the platform's own lines). */
export function lineStartAfter(lineStart: LineStart, text: string): LineStart {
  const newline = text.lastIndexOf("\n");
  return newline === -1 ? after(lineStart, text) : after("", text.slice(newline + 1));
}
