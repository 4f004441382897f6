// @vitest-environment happy-dom
// The New run page's hook in a DOM without a browser. The browser's parts are stood in
// for: the Web Worker by one that checks with the same code (lib/schema) but answers
// when the test says, fetch by the API's answers given in the order the test chooses,
// Monaco by a text holder that reports its changes as edits. The page itself (Monaco,
// the real worker, the server) is tested by e2e/portal and e2e/spreadsheet.
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import type { ValidateFunction } from "ajv";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JsonEditorHandle } from "@/components/editor/json-editor";
import type {
  TextEdit,
  ValidationMessage,
  ValidationResponse,
} from "@/components/editor/validation-protocol";
import { checkConfigText } from "@/lib/schema/check-config-text";
import { compileSchema } from "@/lib/schema/validate-config";
import { detailOf, pipelines } from "@/test/new-run-fixtures";
import { loadDraft } from "./draft";
import type { InitialRun } from "./new-run-state";
import { useNewRun } from "./use-new-run";

/** The validation worker: the same checks, answered at once or when released. */
class HeldWorker {
  static current: HeldWorker | null = null;
  static holding = false;
  onmessage: ((event: { data: ValidationResponse }) => void) | null = null;
  text = "";
  held: ValidationResponse[] = [];
  /** The schemas the page asked to compile ahead of a check. */
  prepared: string[] = [];
  private compiled = new Map<string, ValidateFunction>();

  constructor() {
    HeldWorker.current = this;
  }

  postMessage(message: ValidationMessage): void {
    if (message.type === "prepare") this.prepared.push(message.schemaKey);
    else if (message.type === "reset") this.text = message.text;
    else if (message.type === "edit") {
      for (const e of [...message.edits].sort((a, b) => b.offset - a.offset))
        this.text = this.text.slice(0, e.offset) + e.text + this.text.slice(e.offset + e.length);
    } else {
      let validate = this.compiled.get(message.schemaKey);
      if (!validate)
        this.compiled.set(message.schemaKey, (validate = compileSchema(message.schema)));
      const result = checkConfigText(this.text, validate, message.unknownProperties);
      const value = result.value as { pipeline?: string; project?: string } | undefined;
      const response: ValidationResponse = {
        id: message.id,
        version: message.version,
        schemaKey: message.schemaKey,
        problems: result.problems,
        warnings: result.warnings,
        pipeline: value?.pipeline ?? null,
        project: value?.project ?? null,
        valid: result.value !== undefined && result.problems.length === 0,
        outOfSync: this.text.length !== message.length,
        ms: 0,
      };
      if (HeldWorker.holding) this.held.push(response);
      else setTimeout(() => this.onmessage?.({ data: response }), 0);
    }
  }

  /** Answers the held check that `pick` chooses (the oldest by default). */
  release(pick: (held: ValidationResponse[]) => number = () => 0): ValidationResponse {
    const [response] = this.held.splice(pick(this.held), 1);
    if (!response) throw new Error("no check is held");
    act(() => this.onmessage?.({ data: response }));
    return response;
  }

  terminate(): void {}
}

interface Call {
  url: string;
  method: string;
  body: string | undefined;
  answer(status: number, body?: unknown): void;
  fail(): void;
}

/** fetch: schema requests are answered at once unless `holdSchemas`; POSTs by `runAnswer`. */
const api = {
  calls: [] as Call[],
  holdSchemas: false,
  runAnswer: (_call: Call) => _call.answer(201, { id: "01RUN" }),
};

function fetchStub(url: string, init?: RequestInit): Promise<Response> {
  return new Promise((resolve, reject) => {
    const call: Call = {
      url,
      method: init?.method ?? "GET",
      body: typeof init?.body === "string" ? init.body : undefined,
      answer: (status, body) =>
        resolve(
          new Response(body === undefined ? null : JSON.stringify(body), {
            status,
            headers: { "Content-Type": "application/json" },
          }),
        ),
      fail: () => reject(new TypeError("Failed to fetch")),
    };
    api.calls.push(call);
    const schema = /^\/api\/v1\/pipelines\/([^?]+)\?version=(.+)$/.exec(url);
    if (schema && !api.holdSchemas)
      call.answer(200, detailOf(decodeURIComponent(schema[1]!), decodeURIComponent(schema[2]!)));
    else if (call.method === "POST") api.runAnswer(call);
  });
}

/** Monaco's part: the text, and every change reported as an edit of the whole. */
function fakeEditor(onChange: () => (edits: TextEdit[]) => void) {
  let text = "";
  const handle: JsonEditorHandle = {
    getValue: () => text,
    getLength: () => text.length,
    setValue: (next) => {
      const edit = { offset: 0, length: text.length, text: next };
      text = next;
      onChange()([edit]);
    },
    applyEdits: (edits) => {
      const sorted = [...edits].sort((a, b) => b.offset - a.offset);
      for (const e of sorted)
        text = text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length);
      onChange()([...edits]);
    },
    reveal: vi.fn(),
    focus: () => {},
  };
  return handle;
}

function renderPage(initial: InitialRun | null = ask("hello")) {
  const navigate = vi.fn();
  const page = renderHook(() => useNewRun({ pipelines, initial, navigate }));
  const editor = fakeEditor(() => page.result.current.onEditorChange);
  return {
    page,
    editor,
    navigate,
    ready: () => act(() => page.result.current.onEditorReady(editor)),
  };
}

const ask = (pipeline: string): InitialRun => ({ pipeline, text: null, name: null, from: null });

beforeEach(() => {
  vi.stubGlobal("Worker", HeldWorker);
  vi.stubGlobal("fetch", fetchStub);
  HeldWorker.holding = false;
  api.calls = [];
  api.holdSchemas = false;
  api.runAnswer = (call) => call.answer(201, { id: "01RUN" });
  localStorage.clear();
});

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("the New run page's hook", () => {
  it("has the worker compile the schema as soon as it is loaded, before the editor is ready", async () => {
    renderPage();
    await waitFor(() => expect(HeldWorker.current?.prepared).toEqual(["hello@1.1.0#1"]));
    expect(HeldWorker.current?.held).toEqual([]); // no check asked yet: no editor, no text
  });

  it("loads the schema and the example, checks it, and Ctrl+Enter submits through the API", async () => {
    const { page, editor, navigate, ready } = renderPage();
    ready();
    await waitFor(() => expect(page.result.current.status).toBe("✓ Valid for hello@1.1.0"));
    expect(editor.getValue()).toBe('{\n  "name": "world"\n}\n');
    await waitFor(() => expect(loadDraft()?.text).toBe(editor.getValue())); // the draft is kept
    act(() => {
      window.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true }));
    });
    await waitFor(() => expect(navigate).toHaveBeenCalledWith("/runs/01RUN"));
    const post = api.calls.find((c) => c.method === "POST");
    expect(post?.url).toBe("/api/v1/runs");
    expect(JSON.parse(post!.body!)).toEqual({ pipeline: "hello@1.1.0", config: { name: "world" } });
    expect(loadDraft()).toBeNull();
  });

  it("lists the server's problems at their place in the editor, and keeps the text", async () => {
    const { page, editor, ready } = renderPage();
    ready();
    act(() => editor.setValue('{"name": "x"}'));
    await waitFor(() => expect(page.result.current.canSend).toBe(true));
    api.runAnswer = (call) => {
      const prefix = call.body!.indexOf('"config":') + '"config":'.length;
      call.answer(422, {
        detail: "The config does not match the schema.",
        errors: [{ path: "/config/name", message: "is taken", line: 1, column: prefix + 10 }],
      });
    };
    act(() => page.result.current.dispatch({ type: "submit-asked" }));
    await waitFor(() =>
      expect(page.result.current.state.serverError?.detail).toBe(
        "The config does not match the schema.",
      ),
    );
    expect(page.result.current.problems.list).toEqual([
      { path: "/name", message: "is taken", line: 1, column: 10 },
    ]);
    expect(editor.getValue()).toBe('{"name": "x"}');
    api.runAnswer = (call) => call.fail();
    act(() => page.result.current.dispatch({ type: "submit-asked" }));
    await waitFor(() =>
      expect(page.result.current.state.serverError?.detail).toBe(
        "The server could not be reached. Your text is kept; try again.",
      ),
    );
  });

  it("brings the draft back after a reload", async () => {
    const first = renderPage();
    first.ready();
    act(() => first.page.result.current.dispatch({ type: "renamed", name: "my run" }));
    act(() => first.editor.setValue('{"name": "draft survives"}'));
    await waitFor(() => expect(loadDraft()?.text).toBe('{"name": "draft survives"}'));
    first.page.unmount();
    const second = renderPage();
    second.ready();
    await waitFor(() => expect(second.editor.getValue()).toBe('{"name": "draft survives"}'));
    expect(second.page.result.current.state.runName).toBe("my run");
    await waitFor(() => expect(second.page.result.current.phase).toBe("valid"));
  });

  it("selects the pipeline a pasted document names and checks it with that schema", async () => {
    const { page, editor, ready } = renderPage();
    ready();
    act(() =>
      editor.setValue('{"pipeline": "fastq-qc@1.0.0", "project": "p", "dataFiles": ["a"]}'),
    );
    await waitFor(() => expect(page.result.current.status).toBe("✓ Valid for fastq-qc@1.0.0"));
    expect(page.result.current.state.notice).toBe(
      "The document names fastq-qc@1.0.0: switched to fastq-qc@1.0.0.",
    );
  });
});

describe("races", () => {
  it("ignores a late schema answer for the previously selected pipeline", async () => {
    api.holdSchemas = true;
    const { page, ready } = renderPage();
    ready();
    act(() => page.result.current.dispatch({ type: "pipeline-chosen", reference: "fastq-qc" }));
    await waitFor(() => expect(api.calls).toHaveLength(2));
    const [hello, fastq] = api.calls;
    expect(fastq!.url).toContain("/fastq-qc?");
    act(() => hello!.answer(200, detailOf("hello", "1.1.0"))); // late: fastq-qc's is awaited
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(page.result.current.detail).toBeNull();
    expect(page.result.current.status).toBe("Loading the pipeline's schema…");
    act(() => fastq!.answer(200, detailOf("fastq-qc")));
    await waitFor(() => expect(page.result.current.status).toBe("✓ Valid for fastq-qc@1.0.0"));
    expect(page.result.current.detail?.name).toBe("fastq-qc");
  });

  it("ignores a late check answer for older text", async () => {
    const { page, editor, ready } = renderPage();
    ready();
    await waitFor(() => expect(page.result.current.phase).toBe("valid"));
    HeldWorker.holding = true;
    act(() => editor.setValue('{"name": ""}')); // invalid
    await waitFor(() => expect(HeldWorker.current?.held).toHaveLength(1));
    // No answer for long: the next check does not wait for it (the worker is reset).
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 5_000);
    act(() => editor.setValue('{"name": "fixed"}'));
    await waitFor(() => expect(HeldWorker.current?.held).toHaveLength(2));
    const newer = HeldWorker.current!.release((held) => held.length - 1);
    expect(newer.valid).toBe(true);
    expect(page.result.current.phase).toBe("valid");
    const older = HeldWorker.current!.release();
    expect(older.version).toBeLessThan(newer.version);
    expect(page.result.current.phase).toBe("valid");
    expect(page.result.current.problems.editor).toEqual([]);
  });

  it("ends valid after an upload switches pipelines while the old pipeline's check runs", async () => {
    const { page, editor, ready } = renderPage();
    ready();
    await waitFor(() => expect(page.result.current.phase).toBe("valid"));
    HeldWorker.holding = true;
    api.holdSchemas = true;
    act(() => editor.setValue('{"name": "typing"}'));
    await waitFor(() => expect(HeldWorker.current?.held).toHaveLength(1)); // hello's check runs
    act(() =>
      page.result.current.upload({
        fileName: "sheet.xlsx",
        pipeline: "fastq-qc@1.0.0",
        config: { project: "p", dataFiles: ["a.fastq"] },
        problems: [],
      }),
    );
    await waitFor(() => expect(editor.getValue()).toContain('"dataFiles"'));
    expect(page.result.current.state.selection?.name).toBe("fastq-qc");
    HeldWorker.current!.release(); // hello's answer, late
    const schema = api.calls.find((c) => c.url.includes("/fastq-qc?"))!;
    act(() => schema.answer(200, detailOf("fastq-qc")));
    await waitFor(() => expect(HeldWorker.current?.held).toHaveLength(1)); // fastq-qc's check
    expect(page.result.current.status).not.toContain("fastq-qc"); // not yet checked
    HeldWorker.holding = false;
    HeldWorker.current!.release();
    await waitFor(() => expect(page.result.current.status).toBe("✓ Valid for fastq-qc@1.0.0"));
    expect(page.result.current.canSend).toBe(true);
  });

  it("ends valid after an upload switches pipelines even when the old pipeline's answer comes last", async () => {
    const { page, editor, ready } = renderPage();
    ready();
    await waitFor(() => expect(page.result.current.phase).toBe("valid"));
    HeldWorker.holding = true;
    act(() => editor.setValue('{"name": "typing"}'));
    await waitFor(() => expect(HeldWorker.current?.held).toHaveLength(1)); // hello's check runs
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 5_000); // ...and is given up on
    act(() =>
      page.result.current.upload({
        fileName: "sheet.xlsx",
        pipeline: "fastq-qc@1.0.0",
        config: { project: "p", dataFiles: ["a.fastq"] },
        problems: [],
      }),
    );
    await waitFor(() => expect(HeldWorker.current?.held).toHaveLength(2)); // fastq-qc's check
    expect(HeldWorker.current!.held[1]!.schemaKey).toContain("fastq-qc@1.0.0");
    HeldWorker.current!.release((held) => held.length - 1);
    expect(page.result.current.status).toBe("✓ Valid for fastq-qc@1.0.0");
    HeldWorker.current!.release(); // hello's answer, last
    expect(page.result.current.status).toBe("✓ Valid for fastq-qc@1.0.0");
    expect(page.result.current.canSend).toBe(true);
  });
});
