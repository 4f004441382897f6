/**
 * A small Markdown reader for previews: headings, paragraphs, lists, block quotes, fenced
 * and indented code, rules; inline code, bold, italic and links. It yields a tree that the
 * page renders as React elements, never as HTML: raw HTML in the file stays text, and a
 * link is kept only when it is http(s), mailto or relative (no javascript:, data:).
 */
export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong" | "em"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] };

export type Block =
  | { type: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: "paragraph"; children: Inline[] }
  | { type: "code"; text: string }
  | { type: "list"; ordered: boolean; items: Inline[][] }
  | { type: "quote"; children: Inline[] }
  | { type: "rule" };

/** Whether a link target is safe to follow from the portal. */
export function safeHref(href: string): boolean {
  const trimmed = href.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return true;
  // Relative: no scheme at all (a colon before any / ? # is a scheme).
  return !/^[^/?#]*:/.test(trimmed) && !trimmed.startsWith("//");
}

const INLINE = /`([^`]+)`|\*\*(.+?)\*\*|__(.+?)__|\*(.+?)\*|_(.+?)_|\[([^\]]+)\]\(([^)\s]+)\)/;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  while (rest.length > 0) {
    const match = INLINE.exec(rest);
    if (!match) {
      out.push({ type: "text", text: rest });
      break;
    }
    if (match.index > 0) out.push({ type: "text", text: rest.slice(0, match.index) });
    const [whole, code, strong1, strong2, em1, em2, label, href] = match;
    if (code !== undefined) out.push({ type: "code", text: code });
    else if (strong1 !== undefined || strong2 !== undefined)
      out.push({ type: "strong", children: parseInline(strong1 ?? strong2 ?? "") });
    else if (em1 !== undefined || em2 !== undefined)
      out.push({ type: "em", children: parseInline(em1 ?? em2 ?? "") });
    else if (label !== undefined && href !== undefined) {
      if (safeHref(href)) out.push({ type: "link", href, children: parseInline(label) });
      else out.push({ type: "text", text: whole });
    }
    rest = rest.slice(match.index + whole.length);
  }
  return out;
}

const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0)
      blocks.push({ type: "paragraph", children: parseInline(paragraph.join(" ")) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = /^\s{0,3}(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (
        i++;
        i < lines.length && !(lines[i] as string).trimStart().startsWith(fence[1] as string);
        i++
      )
        code.push(lines[i] as string);
      blocks.push({ type: "code", text: code.join("\n") });
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const item = LIST_ITEM.exec(line);
    if (line.trim() === "") flush();
    else if (heading) {
      flush();
      const level = (heading[1] as string).length as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ type: "heading", level, children: parseInline(heading[2] as string) });
    } else if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      blocks.push({ type: "rule" });
    } else if (/^\s{0,3}>/.test(line)) {
      flush();
      blocks.push({ type: "quote", children: parseInline(line.replace(/^\s{0,3}>\s?/, "")) });
    } else if (item && paragraph.length === 0) {
      const ordered = /\d/.test(item[1] as string);
      const items: Inline[][] = [parseInline(item[2] as string)];
      while (i + 1 < lines.length) {
        const next = LIST_ITEM.exec(lines[i + 1] as string);
        if (!next || /\d/.test(next[1] as string) !== ordered) break;
        items.push(parseInline(next[2] as string));
        i++;
      }
      blocks.push({ type: "list", ordered, items });
    } else if (/^( {4}|\t)/.test(line) && paragraph.length === 0) {
      const code = [line.replace(/^( {4}|\t)/, "")];
      while (i + 1 < lines.length && /^( {4}|\t)/.test(lines[i + 1] as string)) {
        code.push((lines[++i] as string).replace(/^( {4}|\t)/, ""));
      }
      blocks.push({ type: "code", text: code.join("\n") });
    } else paragraph.push(line.trim());
  }
  flush();
  return blocks;
}
