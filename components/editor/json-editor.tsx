"use client";

import { useEffect, useRef, useState } from "react";
import type * as Monaco from "monaco-editor";
import type { TextProblem } from "@/lib/schema/check-config-text";
import { withHelpText } from "@/lib/schema/with-help-text";
import { registerListCompletions } from "./list-completions";
import type { TextEdit } from "./validation-protocol";
import styles from "./json-editor.module.css";

export interface JsonEditorHandle {
  getValue(): string;
  getLength(): number;
  setValue(text: string): void;
  /**
   * Applies edits made elsewhere (the Form tab) as one undoable step: offsets against the
   * text as it is, non-overlapping. The change reaches onChange as edits like typing does.
   */
  applyEdits(edits: readonly TextEdit[]): void;
  reveal(line: number, column: number): void;
  focus(): void;
}

interface Props {
  /** The pipeline's JSON Schema: completion and hover docs come from it. */
  schema: Record<string, unknown> | null;
  schemaUri: string;
  problems: TextProblem[];
  /** Warning markers: what the server accepts but lists (undeclared properties). */
  warnings?: TextProblem[];
  /** Every change, as edits against the previous text (cheap whatever the size). */
  onChange: (edits: TextEdit[]) => void;
  onSubmit: () => void;
  onReady: (handle: JsonEditorHandle) => void;
  ariaLabel: string;
}

/** Monaco's workers come from the app's own bundle, never from a CDN. */
function configureWorkers(): void {
  const scope = self as unknown as { MonacoEnvironment?: Monaco.Environment };
  scope.MonacoEnvironment ??= {
    getWorker(_id: string, label: string) {
      if (label === "json")
        return new Worker(new URL("monaco-editor/language/json/json.worker.js", import.meta.url), {
          type: "module",
        });
      return new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), {
        type: "module",
      });
    },
  };
}

/**
 * The JSON editor of the new-run page: Monaco, loaded on demand from the bundle, with
 * completion and hover from the pipeline's schema, and the markers the page computes
 * with the server's validator (Monaco's own validation is off, so every message is the
 * server's). Ctrl/Cmd+Enter submits.
 */
export function JsonEditor(props: Props) {
  const container = useRef<HTMLDivElement>(null);
  /** Monaco and the editor's model, once loaded (for the schema and the markers). */
  const loaded = useRef<{ monaco: typeof Monaco; model: Monaco.editor.ITextModel } | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  useEffect(() => {
    let disposed = false;
    let editor: Monaco.editor.IStandaloneCodeEditor | null = null;
    let listCompletions: Monaco.IDisposable | null = null;
    void (async () => {
      try {
        configureWorkers();
        // User Timing marks: npm run bench reads them (editor start, ready, markers).
        performance.mark("runport:editor-import");
        const monaco = await import("monaco-editor");
        if (disposed || !container.current) return;
        // Monaco's JSON worker only answers completion and hover; the features that re-read
        // the whole document on every keystroke (symbols, colors, folding ranges, diagnostics,
        // selection ranges) stay off by being left out (a 5 MB config must stay fluid).
        monaco.json.jsonDefaults.setModeConfiguration({
          completionItems: true,
          hovers: true,
          tokens: true,
          documentFormattingEdits: true,
          documentRangeFormattingEdits: true,
        });
        const uri = monaco.Uri.parse(
          `runport://config/${Math.random().toString(36).slice(2)}.json`,
        );
        const model = monaco.editor.createModel("", "json", uri);
        editor = monaco.editor.create(container.current, {
          model,
          automaticLayout: true,
          minimap: { enabled: false },
          stickyScroll: { enabled: false },
          foldingStrategy: "indentation",
          colorDecorators: false,
          links: false,
          occurrencesHighlight: "off",
          scrollBeyondLastLine: false,
          fontSize: 13,
          tabSize: 2,
          fixedOverflowWidgets: true,
          ariaLabel: latest.current.ariaLabel,
          renderValidationDecorations: "on",
        });
        loaded.current = { monaco, model };
        // Values of reference lists (x-runport-list), searched on the server as one types.
        listCompletions = registerListCompletions(monaco, editor, () => latest.current.schema);
        editor.onDidChangeModelContent((event) =>
          latest.current.onChange(
            event.changes.map((c) => ({
              offset: c.rangeOffset,
              length: c.rangeLength,
              text: c.text,
            })),
          ),
        );
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () =>
          latest.current.onSubmit(),
        );
        setState("ready");
        performance.mark("runport:editor-ready");
        latest.current.onReady({
          getValue: () => model.getValue(),
          getLength: () => model.getValueLength(),
          setValue: (text) =>
            editor?.executeEdits("runport", [{ range: model.getFullModelRange(), text }]),
          applyEdits: (edits) => {
            if (!editor || edits.length === 0) return;
            editor.pushUndoStop();
            editor.executeEdits(
              "runport-form",
              edits.map((e) => {
                const start = model.getPositionAt(e.offset);
                const end = model.getPositionAt(e.offset + e.length);
                return {
                  range: new monaco.Range(
                    start.lineNumber,
                    start.column,
                    end.lineNumber,
                    end.column,
                  ),
                  text: e.text,
                };
              }),
            );
            editor.pushUndoStop();
            performance.mark("runport:form-applied"); // npm run bench reads it (part form)
          },
          reveal: (line, column) => {
            editor?.setPosition({ lineNumber: line, column });
            editor?.revealPositionInCenter({ lineNumber: line, column });
            editor?.focus();
          },
          focus: () => editor?.focus(),
        });
      } catch (error) {
        console.error("the editor could not load", error);
        if (!disposed) setState("failed");
      }
    })();
    return () => {
      disposed = true;
      listCompletions?.dispose();
      editor?.getModel()?.dispose();
      editor?.dispose();
      loaded.current = null;
    };
  }, []);

  // Completion and hover from the schema (Monaco's validation stays off: the server's
  // messages come through the markers below).
  const { schema, schemaUri, problems, warnings } = props;
  useEffect(() => {
    if (!loaded.current) return;
    const { monaco, model } = loaded.current;
    monaco.json.jsonDefaults.setDiagnosticsOptions({
      validate: false,
      allowComments: false,
      enableSchemaRequest: false,
      schemas: schema
        ? [{ uri: schemaUri, fileMatch: [model.uri.toString()], schema: withHelpText(schema) }]
        : [],
    });
  }, [schema, schemaUri, state]);

  useEffect(() => {
    if (!loaded.current) return;
    const { monaco, model } = loaded.current;
    monaco.editor.setModelMarkers(
      model,
      "runport",
      [
        ...problems.map((p) => ({ p, severity: monaco.MarkerSeverity.Error })),
        ...(warnings ?? []).map((p) => ({ p, severity: monaco.MarkerSeverity.Warning })),
      ].map(({ p, severity }) => ({
        severity,
        message: p.path ? `${p.path}: ${p.message}` : p.message,
        startLineNumber: p.line,
        startColumn: p.column,
        endLineNumber: p.endLine,
        endColumn: p.endColumn,
      })),
    );
    performance.mark("runport:markers");
  }, [problems, warnings, state]);

  return (
    <div className={styles.frame}>
      <div ref={container} className={styles.editor} data-state={state} data-testid="json-editor" />
      {state === "loading" ? <div className={styles.overlay}>Loading the editor…</div> : null}
      {state === "failed" ? (
        <div className={styles.overlay} role="alert">
          The editor could not load. Reload the page; if it persists, submit with curl (see the
          pipeline&apos;s page).
        </div>
      ) : null}
    </div>
  );
}
