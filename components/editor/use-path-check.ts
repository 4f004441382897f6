"use client";

import { useEffect, useEffectEvent, useMemo, useState } from "react";
import { ApiProblem, callApiText } from "@/components/ui/api-client";
import type { PathCheckResult } from "@/lib/contract/pipelines";
import { positionAt } from "@/lib/json/parse-json";
import { locateAll } from "@/lib/json/scan-json";
import type { TextProblem } from "@/lib/schema/check-config-text";
import { namesLists } from "./list-completions";

const NONE: TextProblem[] = [];

/** The pause in typing after which the server looks at the files (it stats them: not per key). */
const PAUSE_MS = 800;

/** True when a schema names a path anywhere (format file-path, directory-path, path; exists). */
export function namesPaths(schema: Record<string, unknown> | null): boolean {
  if (!schema) return false;
  const text = JSON.stringify(schema);
  return /"format":"(file-path|directory-path|path)"|"exists":(true|false)/.test(text);
}

/** Each problem with the span of its value in the text, for a marker and the list. */
export function locatePathProblems(
  text: string,
  problems: PathCheckResult["problems"],
): TextProblem[] {
  const places = locateAll(text, problems);
  return problems.map((p, i) => {
    const { offset, length } = places[i]!;
    const start = positionAt(text, offset);
    const end = positionAt(text, offset + Math.max(1, length));
    return {
      path: p.path,
      message: p.message,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
    };
  });
}

/**
 * The editor's server check of the files a config names (the browser never looks at files)
 * and of its values tied to reference lists (the browser has no list):
 * once the text is valid for the schema and typing pauses, it is sent to
 * POST /api/v1/pipelines/{name}/check-paths; the answer's problems come back located in the
 * text, for error markers beside the local check's. An answer is shown only for the text
 * it was asked for; a refusal or an unreachable server shows nothing (the submission checks
 * again anyway).
 */
export function usePathCheck({
  pipelineRef,
  schema,
  valid,
  textVersion,
  getText,
}: {
  /** `name@version` of the loaded schema, or null. */
  pipelineRef: string | null;
  schema: Record<string, unknown> | null;
  /** The local check found nothing wrong with this version of the text. */
  valid: boolean;
  textVersion: number;
  getText: () => string | undefined;
}): TextProblem[] {
  const [answer, setAnswer] = useState<{ version: number; problems: TextProblem[] } | null>(null);
  // Values tied to reference lists are checked by the same call (the server has the lists).
  const wanted = useMemo(() => namesPaths(schema) || namesLists(schema), [schema]);
  const readText = useEffectEvent(() => getText());

  useEffect(() => {
    if (!wanted || !valid || !pipelineRef) return;
    const at = pipelineRef.lastIndexOf("@");
    const name = encodeURIComponent(pipelineRef.slice(0, at));
    const version = encodeURIComponent(pipelineRef.slice(at + 1));
    let cancelled = false;
    const timer = setTimeout(() => {
      const text = readText();
      if (text === undefined) return;
      const url = `/api/v1/pipelines/${name}/check-paths?version=${version}`;
      callApiText<PathCheckResult>("POST", url, text).then(
        (result) => {
          if (cancelled || !result) return;
          setAnswer({ version: textVersion, problems: locatePathProblems(text, result.problems) });
        },
        (error: unknown) => {
          if (!cancelled && error instanceof ApiProblem)
            setAnswer({ version: textVersion, problems: [] });
        },
      );
    }, PAUSE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [wanted, valid, pipelineRef, textVersion]);

  return answer && answer.version === textVersion && valid ? answer.problems : NONE;
}
