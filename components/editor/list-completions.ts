import { getLocation } from "jsonc-parser";
import type * as Monaco from "monaco-editor";
import type { ListValues } from "@/lib/contract/lists";
import { isJsonObject } from "@/lib/json/parse-json";
import { LIST_KEYWORD, listAtPath } from "@/lib/schema/list-keyword";

type Schema = Record<string, unknown>;

/** Values asked for per keystroke: the server searches, the browser never holds a list. */
export const COMPLETIONS_LIMIT = 20;

/** True when a schema ties any value to a reference list (`x-runport-list`). */
export function namesLists(schema: Schema | null): boolean {
  return schema !== null && JSON.stringify(schema).includes(`"${LIST_KEYWORD}":`);
}

/**
 * The property names whose value may come from a list (`"hpcAccount"`), found anywhere in
 * the schema: a cheap test, on each keystroke, of whether a line is worth a completion.
 */
export function listPropertyNames(schema: Schema | null): Set<string> {
  const names = new Set<string>();
  if (!schema) return names;
  const seen = new Set<unknown>();
  const visit = (node: unknown) => {
    if (!isJsonObject(node) && !Array.isArray(node)) return;
    if (seen.has(node)) return;
    seen.add(node);
    if (isJsonObject(node) && isJsonObject(node.properties)) {
      for (const [key, sub] of Object.entries(node.properties)) {
        if (JSON.stringify(sub ?? null).includes(`"${LIST_KEYWORD}":`)) names.add(key);
        if (isJsonObject(sub) && typeof sub.$ref === "string") names.add(key);
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(schema);
  return names;
}

/** Where the cursor is in a string value: its text up to the cursor, and the ranges to edit. */
interface StringPlace {
  typed: string;
  /** From the string's first character to the cursor (what a completion inserts over). */
  insert: Monaco.IRange;
  /** The whole string's content (what a completion replaces, when asked to). */
  replace: Monaco.IRange;
  quoted: boolean;
}

function placeIn(
  model: Monaco.editor.ITextModel,
  position: Monaco.Position,
  node: { offset: number } | undefined,
): StringPlace {
  const cursor = { lineNumber: position.lineNumber, column: position.column };
  if (!node) {
    const here = rangeOf(cursor, cursor);
    return { typed: "", insert: here, replace: here, quoted: false };
  }
  const start = model.getPositionAt(node.offset + 1);
  const typed = model.getValueInRange(rangeOf(start, cursor));
  // The rest of the string, up to its closing quote on this line (Monaco closes quotes).
  const rest = model.getLineContent(cursor.lineNumber).slice(cursor.column - 1);
  const closing = /^(?:[^"\\]|\\.)*"/.exec(rest);
  const end = closing ? { ...cursor, column: cursor.column + closing[0].length - 1 } : cursor;
  return {
    typed: decodeJsonString(typed),
    insert: rangeOf(start, cursor),
    replace: rangeOf(start, end),
    quoted: true,
  };
}

function rangeOf(start: Monaco.IPosition, end: Monaco.IPosition): Monaco.IRange {
  return {
    startLineNumber: start.lineNumber,
    startColumn: start.column,
    endLineNumber: end.lineNumber,
    endColumn: end.column,
  };
}

/** The text of a JSON string as typed so far (escapes decoded when they are complete). */
function decodeJsonString(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

async function searchValues(
  list: string,
  typed: string,
  token: Monaco.CancellationToken,
): Promise<ListValues["items"]> {
  const controller = new AbortController();
  const cancelled = token.onCancellationRequested(() => controller.abort());
  try {
    const query = new URLSearchParams({ q: typed, limit: String(COMPLETIONS_LIMIT) });
    const response = await fetch(`/api/v1/lists/${encodeURIComponent(list)}/values?${query}`, {
      cache: "no-store",
      signal: controller.signal,
    });
    // A list not defined (yet), a viewer, the server away: no completions, nothing to say.
    if (!response.ok) return [];
    return ((await response.json()) as ListValues).items;
  } catch {
    return [];
  } finally {
    cancelled.dispose();
  }
}

/**
 * Completions of values tied to a reference list (`x-runport-list`): at such a value the
 * editor offers the list's values, with their labels, searched on the server for what is
 * typed (COMPLETIONS_LIMIT at a time, asked again as typing goes on). Typing in the value
 * of a property that may name a list opens the suggestions (Monaco does not suggest inside
 * strings on its own).
 */
export function registerListCompletions(
  monaco: typeof Monaco,
  editor: Monaco.editor.IStandaloneCodeEditor,
  getSchema: () => Schema | null,
): Monaco.IDisposable {
  const model = editor.getModel()!;
  let schemaSeen: Schema | null = null;
  let names = new Set<string>();
  let anyList = false;
  const refresh = () => {
    const schema = getSchema();
    if (schema === schemaSeen) return schema;
    schemaSeen = schema;
    anyList = namesLists(schema);
    names = anyList ? listPropertyNames(schema) : new Set();
    return schema;
  };

  const provider = monaco.languages.registerCompletionItemProvider("json", {
    triggerCharacters: ['"'],
    async provideCompletionItems(asked, position, _context, token) {
      const schema = refresh();
      if (asked !== model || !schema || !anyList) return undefined;
      const before = model.getValueInRange({
        startLineNumber: 1,
        startColumn: 1,
        endLineNumber: position.lineNumber,
        endColumn: position.column,
      });
      const location = getLocation(before, before.length);
      if (location.isAtPropertyKey) return undefined;
      const node = location.previousNode;
      if (node && node.type !== "string") return undefined;
      const list = listAtPath(schema, location.path);
      if (!list) return undefined;
      const place = placeIn(model, position, node);
      const items = await searchValues(list, place.typed, token);
      if (token.isCancellationRequested) return undefined;
      const lower = place.typed.toLowerCase();
      return {
        incomplete: true,
        suggestions: items.map((item, i) => ({
          label: { label: item.value, ...(item.label ? { description: item.label } : {}) },
          kind: monaco.languages.CompletionItemKind.EnumMember,
          ...(item.label ? { detail: item.label } : {}),
          documentation: `A value of the list ${list}`,
          insertText: place.quoted
            ? JSON.stringify(item.value).slice(1, -1)
            : JSON.stringify(item.value),
          // Matched on its label or inside the value: shown whatever Monaco's own filter says.
          filterText: item.value.toLowerCase().startsWith(lower)
            ? item.value
            : `${place.typed}${item.value}`,
          sortText: String(i).padStart(4, "0"),
          range: { insert: place.insert, replace: place.replace },
        })),
      };
    },
  });

  const typing = editor.onDidChangeModelContent((event) => {
    const change = event.changes[0];
    if (event.changes.length !== 1 || !change || change.text.length > 1) return;
    refresh();
    if (!anyList || change.range.startLineNumber !== change.range.endLineNumber) return;
    // The cursor after the edit (the editor's own cursor moves after this event).
    const lineNumber = change.range.startLineNumber;
    const column = change.range.startColumn + change.text.length;
    // The line so far: `"name": "text` with a name that may name a list.
    const line = model.getLineContent(lineNumber).slice(0, column - 1);
    const match = /"((?:[^"\\]|\\.)*)"\s*:\s*"(?:[^"\\]|\\.)*$/.exec(line);
    if (!match || !names.has(decodeJsonString(match[1]!))) return;
    queueMicrotask(() => editor.trigger("runport", "editor.action.triggerSuggest", {}));
  });

  return {
    dispose() {
      typing.dispose();
      provider.dispose();
    },
  };
}
