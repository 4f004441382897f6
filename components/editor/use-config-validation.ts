"use client";

import { useCallback, useEffect, useEffectEvent, useRef } from "react";
import type { JsonEditorHandle } from "./json-editor";
import type {
  TextEdit,
  ValidationMessage,
  ValidationRequest,
  ValidationResponse,
} from "./validation-protocol";

interface Source {
  /** The editor whose text is checked (null before it is ready). */
  editor: { readonly current: JsonEditorHandle | null };
  /** Every answer, with the version and schema it is for: the caller drops stale ones. */
  onResult: (response: ValidationResponse) => void;
}

/** A check without an answer after this long is given up (and asked again). */
const STUCK_MS = 4000;

/**
 * The worker's side: its copy of the text fed with edits, and the checks coalesced
 * (while one runs, only the newest request waits).
 */
function openChannel(worker: Worker, source: Source) {
  let lastId = 0;
  let runningSince: number | null = null;
  let waiting: ValidationRequest | null = null;
  let lastRequest: ValidationRequest | null = null;
  const send = (message: ValidationMessage) => worker.postMessage(message);
  // Starts the worker's copy afresh from the editor's text.
  const resync = () => {
    const text = source.editor.current?.getValue();
    if (text !== undefined) send({ type: "reset", text });
  };

  // The length is read when the request leaves: edits sent meanwhile are already counted.
  function post(request: ValidationRequest) {
    const length = source.editor.current?.getLength();
    if (length === undefined) return;
    runningSince = Date.now();
    performance.mark("runport:check-asked"); // npm run bench reads it (stages of a keystroke)
    send({ type: "validate", id: ++lastId, length, ...request });
  }

  worker.onmessage = (event: MessageEvent<ValidationResponse>) => {
    runningSince = null;
    const response = event.data;
    if (response.outOfSync) {
      resync(); // should not happen; if it does, start over from the editor's text
      waiting ??= lastRequest;
    }
    const next = waiting;
    waiting = null;
    if (next) post(next);
    if (response.outOfSync) return;
    performance.mark("runport:validated", {
      detail: { workerMs: response.ms, incremental: response.incremental === true },
    });
    source.onResult(response);
  };

  return {
    reset: (text: string) => send({ type: "reset", text }),
    edit: (edits: TextEdit[]) => send({ type: "edit", edits }),
    prepare: (schemaKey: string, schema: Record<string, unknown>) =>
      send({ type: "prepare", schemaKey, schema }),
    validate(request: ValidationRequest) {
      lastRequest = request;
      if (runningSince !== null && Date.now() - runningSince < STUCK_MS) {
        waiting = request;
        return;
      }
      if (runningSince !== null) {
        // No answer for long: do not wait on it forever. Start the worker's copy afresh;
        // a late answer to the old request is for an older version (the caller drops it).
        resync();
        waiting = null;
      }
      post(request);
    },
  };
}

/** Validates the editor's text in a web worker, with the server's own checks. */
export function useConfigValidation({ editor, onResult }: Source) {
  const channel = useRef<ReturnType<typeof openChannel> | null>(null);
  const onAnswer = useEffectEvent((response: ValidationResponse) => onResult(response));

  useEffect(() => {
    const worker = new Worker(new URL("./validate.worker.ts", import.meta.url), {
      type: "module",
    });
    channel.current = openChannel(worker, { editor, onResult: (answer) => onAnswer(answer) });
    return () => {
      channel.current = null;
      worker.terminate();
    };
  }, [editor]);

  return {
    /** The whole text (when the editor starts). */
    reset: useCallback((text: string) => channel.current?.reset(text), []),
    /** Edits as the editor reports them (cheap, whatever the document's size). */
    edit: useCallback((edits: TextEdit[]) => channel.current?.edit(edits), []),
    /**
     * Compiles a schema in the worker ahead of any check: the schema usually arrives while
     * the editor is still loading, and compiling a large one takes hundreds of ms.
     */
    prepare: useCallback(
      (schemaKey: string, schema: Record<string, unknown>) =>
        channel.current?.prepare(schemaKey, schema),
      [],
    ),
    /** Checks the worker's text against a schema (the newest request wins). */
    validate: useCallback((request: ValidationRequest) => channel.current?.validate(request), []),
  };
}
