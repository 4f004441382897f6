"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { TextEdit, ValidationMessage, ValidationResponse } from "./validation-protocol";

/**
 * Validates the editor's text in a web worker (the server's own checks). The worker
 * keeps a copy of the text fed with edits; validations are coalesced (while one runs,
 * only the newest request waits) and only the newest answer counts.
 */
export function useConfigValidation(editor: {
  getValue(): string | undefined;
  getLength(): number | undefined;
}) {
  const worker = useRef<Worker | null>(null);
  const lastId = useRef(0);
  const busy = useRef(false);
  const waiting = useRef<{ schemaKey: string; schema: Record<string, unknown> | null } | null>(
    null,
  );
  const lastRequest = useRef<{ schemaKey: string; schema: Record<string, unknown> | null } | null>(
    null,
  );
  const source = useRef(editor);
  source.current = editor;
  const [result, setResult] = useState<ValidationResponse | null>(null);

  const send = useCallback(
    (message: ValidationMessage) => worker.current?.postMessage(message),
    [],
  );

  // The length is read when the request leaves: edits sent meanwhile are already counted.
  const post = useCallback((schemaKey: string, schema: Record<string, unknown> | null) => {
    const length = source.current.getLength();
    if (length === undefined) return;
    busy.current = true;
    worker.current?.postMessage({
      type: "validate",
      id: ++lastId.current,
      schemaKey,
      schema,
      length,
    } satisfies ValidationMessage);
  }, []);

  useEffect(() => {
    const instance = new Worker(new URL("./validate.worker.ts", import.meta.url), {
      type: "module",
    });
    instance.onmessage = (event: MessageEvent<ValidationResponse>) => {
      busy.current = false;
      const response = event.data;
      if (response.outOfSync) {
        // Should not happen; if it does, start over from the editor's text.
        const text = source.current.getValue();
        if (text !== undefined)
          instance.postMessage({ type: "reset", text } satisfies ValidationMessage);
        waiting.current ??= lastRequest.current;
      }
      if (waiting.current) {
        const next = waiting.current;
        waiting.current = null;
        post(next.schemaKey, next.schema);
      }
      if (response.id !== lastId.current || response.outOfSync) return;
      performance.mark("runport:validated", { detail: { workerMs: response.ms } });
      setResult(response);
    };
    worker.current = instance;
    return () => instance.terminate();
  }, [post]);

  /** The whole text (loading a document, switching pipelines). */
  const reset = useCallback((text: string) => send({ type: "reset", text }), [send]);
  /** Edits as the editor reports them (cheap, whatever the document's size). */
  const edit = useCallback((edits: TextEdit[]) => send({ type: "edit", edits }), [send]);
  /** Checks the worker's text against a schema (the newest request wins). */
  const validate = useCallback(
    (schemaKey: string, schema: Record<string, unknown> | null) => {
      lastRequest.current = { schemaKey, schema };
      if (busy.current) waiting.current = { schemaKey, schema };
      else post(schemaKey, schema);
    },
    [post],
  );

  return { result, reset, edit, validate };
}
