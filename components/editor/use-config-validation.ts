"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ValidationRequest, ValidationResponse } from "./validation-protocol";

/**
 * Validates the editor's text in a web worker (the server's own checks). Only the
 * latest answer counts; older ones are dropped.
 */
export function useConfigValidation() {
  const worker = useRef<Worker | null>(null);
  const lastId = useRef(0);
  const [result, setResult] = useState<ValidationResponse | null>(null);

  useEffect(() => {
    const instance = new Worker(new URL("./validate.worker.ts", import.meta.url), {
      type: "module",
    });
    instance.onmessage = (event: MessageEvent<ValidationResponse>) => {
      if (event.data.id === lastId.current) setResult(event.data);
    };
    worker.current = instance;
    return () => instance.terminate();
  }, []);

  const validate = useCallback(
    (text: string, schemaKey: string, schema: Record<string, unknown> | null) => {
      const request: ValidationRequest = { id: ++lastId.current, text, schemaKey, schema };
      worker.current?.postMessage(request);
    },
    [],
  );

  return { result, validate };
}
