"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { TextEdit, ValidationMessage, ValidationResponse } from "./validation-protocol";

type Request = { schemaKey: string; schema: Record<string, unknown> };

/** A check without an answer after this long is given up (and asked again). */
const STUCK_MS = 4000;

/**
 * Validates the editor's text in a web worker (the server's own checks). The worker
 * keeps a copy of the text fed with edits; validations are coalesced (while one runs,
 * only the newest request waits); each answer says which edit and schema it is for.
 */
export function useConfigValidation(editor: {
  getValue(): string | undefined;
  getLength(): number | undefined;
}) {
  const worker = useRef<Worker | null>(null);
  const lastId = useRef(0);
  const busy = useRef(false);
  const busySince = useRef(0);
  const waiting = useRef<Request | null>(null);
  const lastRequest = useRef<Request | null>(null);
  /** Counts edits: a result is fresh when it answers the current version. */
  const version = useRef(0);
  const source = useRef(editor);
  source.current = editor;
  const [result, setResult] = useState<ValidationResponse | null>(null);

  const send = useCallback(
    (message: ValidationMessage) => worker.current?.postMessage(message),
    [],
  );

  // The length is read when the request leaves: edits sent meanwhile are already counted.
  const post = useCallback((request: Request) => {
    const length = source.current.getLength();
    if (length === undefined) return;
    busy.current = true;
    busySince.current = Date.now();
    const message: ValidationMessage = {
      type: "validate",
      id: ++lastId.current,
      version: version.current,
      length,
      ...request,
    };
    worker.current?.postMessage(message);
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
        post(next);
      }
      if (response.id !== lastId.current || response.outOfSync) return;
      performance.mark("runport:validated", { detail: { workerMs: response.ms } });
      setResult(response);
    };
    worker.current = instance;
    return () => instance.terminate();
  }, [post]);

  /** The whole text (when the editor starts). */
  const reset = useCallback(
    (text: string) => {
      version.current++;
      send({ type: "reset", text });
    },
    [send],
  );

  /** Edits as the editor reports them (cheap, whatever the document's size). */
  const edit = useCallback(
    (edits: TextEdit[]) => {
      version.current++;
      send({ type: "edit", edits });
    },
    [send],
  );

  /** Checks the worker's text against a schema (the newest request wins). */
  const validate = useCallback(
    (schemaKey: string, schema: Record<string, unknown>) => {
      const request = { schemaKey, schema };
      lastRequest.current = request;
      if (busy.current && Date.now() - busySince.current < STUCK_MS) {
        waiting.current = request;
        return;
      }
      if (busy.current) {
        // No answer for long: do not wait on it forever. Start the worker's copy afresh;
        // a late answer to the old request is ignored (its id is not the last one).
        const text = source.current.getValue();
        if (text !== undefined) send({ type: "reset", text });
        waiting.current = null;
      }
      post(request);
    },
    [post, send],
  );

  /** True when `response` answers the text as it is now, for this schema. */
  const isFresh = useCallback(
    (
      response: ValidationResponse | null,
      schemaKey: string | null,
    ): response is ValidationResponse =>
      response !== null && response.version === version.current && response.schemaKey === schemaKey,
    [],
  );

  return { result, reset, edit, validate, isFresh };
}
