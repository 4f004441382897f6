import { describe, expect, it } from "vitest";
import type { ValidationResponse } from "@/components/editor/validation-protocol";
import { detailOf, pipelines } from "@/test/new-run-fixtures";
import {
  initialState,
  newRunReducer,
  phaseOf,
  problemsOf,
  schemaKeyOf,
  statusOf,
  type InitialRun,
  type NewRunAction,
  type NewRunState,
} from "./new-run-state";

const ask = (pipeline: string): InitialRun => ({ pipeline, text: null, name: null, from: null });

function run(state: NewRunState, ...actions: NewRunAction[]): NewRunState {
  return actions.reduce(newRunReducer, state);
}

function generationOf(state: NewRunState): number {
  if (!state.schema) throw new Error("no schema asked for");
  return state.schema.generation;
}

/** The schema asked for last, loaded (the editor, when given, holds `editorText`). */
function loaded(state: NewRunState, editorText?: string): NewRunState {
  const name = state.selection!.name;
  const detail = detailOf(name, state.selection!.version);
  return run(state, {
    type: "schema-loaded",
    generation: generationOf(state),
    detail,
    editorText,
  });
}

function answer(
  state: NewRunState,
  fields: Partial<ValidationResponse> & { valid: boolean },
): NewRunAction {
  return {
    type: "checked",
    response: {
      id: 1,
      version: state.textVersion,
      schemaKey: schemaKeyOf(state)!,
      problems: fields.valid
        ? []
        : [{ path: "/name", message: "bad", line: 1, column: 2, endLine: 1, endColumn: 3 }],
      warnings: [],
      pipeline: null,
      project: null,
      outOfSync: false,
      ms: 1,
      ...fields,
    },
  };
}

/** The hello page with its schema loaded, the editor ready, and its text checked. */
function checkedHello(valid = true): NewRunState {
  const ready = run(loaded(initialState({ pipelines, initial: ask("hello") })), {
    type: "editor-ready",
  });
  const sent = run(ready, {
    type: "check-sent",
    version: ready.textVersion,
    schemaKey: schemaKeyOf(ready)!,
  });
  return run(sent, answer(sent, { valid }));
}

describe("the New run page's states", () => {
  it("starts loading the asked pipeline's schema, and says so", () => {
    const state = initialState({ pipelines, initial: ask("fastq-qc") });
    expect(state.selection).toEqual({ name: "fastq-qc", version: "1.0.0" });
    expect(phaseOf(state)).toBe("loading-schema");
    expect(statusOf(state)).toBe("Loading the pipeline's schema…");
  });

  it("shows another pipeline when the asked one does not exist, and tells why", () => {
    const state = initialState({ pipelines, initial: ask("nope") });
    expect(state.selection).toEqual({ name: "hello", version: "1.1.0" });
    expect(state.notice).toBe('There is no pipeline "nope". Showing hello instead.');
  });

  it("goes editing → checking → valid, then submitting with the document's project as name", () => {
    const ready = run(loaded(initialState({ pipelines, initial: ask("hello") })), {
      type: "editor-ready",
    });
    expect(phaseOf(ready)).toBe("editing");
    expect(ready.pending?.text).toBe('{\n  "name": "world"\n}\n'); // the example, once ready
    const key = schemaKeyOf(ready)!;
    const checking = run(ready, { type: "check-sent", version: ready.textVersion, schemaKey: key });
    expect(phaseOf(checking)).toBe("checking");
    expect(statusOf(checking)).toBe("Checking…");
    const valid = run(checking, answer(checking, { valid: true, project: "demo" }));
    expect(phaseOf(valid)).toBe("valid");
    expect(statusOf(valid)).toBe("✓ Valid for hello@1.1.0");
    const sending = run(valid, { type: "submit-asked" });
    expect(sending.submit).toEqual({ phase: "sending", pipeline: "hello@1.1.0", name: "demo" });
    expect(phaseOf(sending)).toBe("submitting");
    expect(run(sending, { type: "submitted" }).submit).toEqual({ phase: "sent" });
  });

  it("marks undeclared properties as warnings and still lets the text be submitted", () => {
    const ready = run(loaded(initialState({ pipelines, initial: ask("hello") })), {
      type: "editor-ready",
    });
    const key = schemaKeyOf(ready)!;
    const checking = run(ready, { type: "check-sent", version: ready.textVersion, schemaKey: key });
    const warning = {
      path: "/flowcell",
      message: "is not declared",
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 13,
    };
    const valid = run(checking, answer(checking, { valid: true, warnings: [warning] }));
    expect(phaseOf(valid)).toBe("valid");
    expect(statusOf(valid)).toBe("✓ Valid for hello@1.1.0 (1 warning: not declared)");
    expect(problemsOf(valid)).toEqual({ editor: [], list: [], warnings: [warning] });
    expect(run(valid, { type: "submit-asked" }).submit.phase).toBe("sending");
  });

  it("shows the problems of an invalid text and refuses to submit it", () => {
    const invalid = checkedHello(false);
    expect(phaseOf(invalid)).toBe("invalid");
    expect(statusOf(invalid)).toBe("1 problem to fix before submitting");
    expect(problemsOf(invalid).list).toHaveLength(1);
    expect(run(invalid, { type: "submit-asked" }).submit).toEqual({ phase: "idle" });
  });

  it("checks typing after a pause, and a loaded text or a new schema at once", () => {
    const ready = run(loaded(initialState({ pipelines, initial: ask("hello") })), {
      type: "editor-ready",
    });
    expect(ready.typing).toBe(false);
    const typed = run(ready, { type: "edited" });
    expect(typed.typing).toBe(true);
    const pasted = run(typed, { type: "text-loaded", id: ready.pending!.id });
    expect(pasted.typing).toBe(false); // the example's own edit
    const switched = run(typed, { type: "pipeline-chosen", reference: "fastq-qc" });
    expect(loaded(switched, '{"name": "mine"}').typing).toBe(false);
  });

  it("keeps the last verdict on screen while the next edit is checked, but not as valid", () => {
    const edited = run(checkedHello(true), { type: "edited" });
    expect(phaseOf(edited)).toBe("editing");
    expect(statusOf(edited)).toBe("✓ Valid for hello@1.1.0"); // no flicker at every key
    expect(run(edited, { type: "submit-asked" }).submit).toEqual({ phase: "queued" });
  });
});

describe("stale answers", () => {
  it("ignores a late schema answer for the previously selected pipeline", () => {
    const hello = initialState({ pipelines, initial: ask("hello") });
    const helloGeneration = generationOf(hello);
    const fastq = run(hello, { type: "pipeline-chosen", reference: "fastq-qc" });
    const late = run(fastq, {
      type: "schema-loaded",
      generation: helloGeneration,
      detail: detailOf("hello", "1.1.0"),
    });
    expect(late).toBe(fastq);
    expect(phaseOf(late)).toBe("loading-schema");
    const failedLate = run(fastq, {
      type: "schema-failed",
      generation: helloGeneration,
      error: "x",
    });
    expect(failedLate).toBe(fastq);
    expect(loaded(late).schema).toMatchObject({ phase: "loaded", detail: { name: "fastq-qc" } });
  });

  it("ignores a late schema answer even when the same pipeline was selected again since", () => {
    const first = initialState({ pipelines, initial: ask("hello") });
    const again = run(
      first,
      { type: "pipeline-chosen", reference: "fastq-qc" },
      { type: "pipeline-chosen", reference: "hello" },
    );
    const late = run(again, {
      type: "schema-loaded",
      generation: generationOf(first),
      detail: detailOf("hello", "1.1.0"),
    });
    expect(phaseOf(late)).toBe("loading-schema");
  });

  it("ignores a late check answer for older text once newer text was checked", () => {
    const ready = run(loaded(initialState({ pipelines, initial: ask("hello") })), {
      type: "editor-ready",
    });
    const older = answer(ready, { valid: false }); // for the text as it was
    const edited = run(ready, { type: "edited" });
    const valid = run(edited, answer(edited, { valid: true }));
    const late = run(valid, older);
    expect(late).toBe(valid);
    expect(phaseOf(late)).toBe("valid");
    expect(problemsOf(late).editor).toEqual([]);
  });

  it("never takes an answer for older text as the verdict on the text as it is", () => {
    const ready = run(loaded(initialState({ pipelines, initial: ask("hello") })), {
      type: "editor-ready",
    });
    const older = answer(ready, { valid: true });
    const edited = run(ready, { type: "edited" }, { type: "submit-asked" });
    const late = run(edited, older);
    expect(phaseOf(late)).toBe("editing"); // still to be checked
    expect(late.submit).toEqual({ phase: "queued" }); // and not sent on the old answer
  });

  it("ignores a check answer for the schema of another pipeline", () => {
    const hello = checkedHello(true);
    const forHello = answer(hello, { valid: true });
    const fastq = loaded(run(hello, { type: "pipeline-chosen", reference: "fastq-qc" }));
    const late = run(fastq, forHello);
    expect(late).toBe(fastq);
    expect(statusOf(late)).toBe("Checking…");
  });

  it("after an upload that switches pipelines, ends valid or invalid, never stuck checking", () => {
    const hello = checkedHello(true);
    const inFlight = answer(run(hello, { type: "edited" }), { valid: true }); // hello's check
    const uploaded = run(hello, {
      type: "uploaded",
      pipeline: "fastq-qc@1.0.0",
      text: '{"project": "p", "dataFiles": ["a"]}\n',
    });
    expect(uploaded.selection).toEqual({ name: "fastq-qc", version: "1.0.0" });
    expect(uploaded.pending?.text).toContain('"project"');
    // The upload's text goes in (an edit), hello's late answer comes, then fastq-qc's schema.
    const edited = run(
      uploaded,
      { type: "text-loaded", id: uploaded.pending!.id },
      { type: "edited" },
    );
    const afterLate = loaded(run(edited, inFlight), '{"project": "p", "dataFiles": ["a"]}\n');
    expect(afterLate.pending).toBeNull(); // the upload's text is no example: it stays
    // The page now has to check (the hook checks whatever is "editing") and ends checked.
    expect(phaseOf(afterLate)).toBe("editing");
    const key = schemaKeyOf(afterLate)!;
    const checking = run(afterLate, {
      type: "check-sent",
      version: afterLate.textVersion,
      schemaKey: key,
    });
    const done = run(checking, answer(checking, { valid: true }));
    expect(phaseOf(done)).toBe("valid");
    expect(statusOf(done)).toBe("✓ Valid for fastq-qc@1.0.0");
  });
});

describe("the document, the example and the draft", () => {
  it("selects the pipeline a pasted document names, once: a menu choice afterwards stays", () => {
    const hello = run(checkedHello(true), { type: "edited" });
    const named = run(hello, answer(hello, { valid: false, pipeline: "fastq-qc@1.0.0" }));
    expect(named.selection).toEqual({ name: "fastq-qc", version: "1.0.0" });
    expect(named.notice).toBe("The document names fastq-qc@1.0.0: switched to fastq-qc@1.0.0.");
    const back = loaded(run(named, { type: "pipeline-chosen", reference: "hello" }));
    expect(back.notice).toBeNull();
    const again = run(back, answer(back, { valid: false, pipeline: "fastq-qc@1.0.0" }));
    expect(again.selection?.name).toBe("hello");
  });

  it("says so when the document names a pipeline that does not exist", () => {
    const hello = checkedHello(true);
    const named = run(hello, answer(hello, { valid: false, pipeline: "gone@2" }));
    expect(named.selection?.name).toBe("hello");
    expect(named.notice).toBe('The document names gone@2: There is no pipeline "gone@2".');
  });

  it("replaces an empty editor or the untouched example with the new pipeline's example", () => {
    const hello = run(loaded(initialState({ pipelines, initial: ask("hello") })), {
      type: "editor-ready",
    });
    const example = hello.pending!;
    const shown = run(hello, { type: "text-loaded", id: example.id }, { type: "edited" });
    const chosen = run(shown, { type: "pipeline-chosen", reference: "fastq-qc" });
    expect(loaded(chosen, example.text).pending?.text).toContain('"dataFiles"');
    expect(loaded(chosen, "  \n").pending?.text).toContain('"dataFiles"');
    expect(loaded(chosen, '{"name": "mine"}').pending).toBeNull();
  });

  it("restores a draft once, for the pipeline asked for only, never over a re-run", () => {
    const draft = { pipeline: "fastq-qc@1.0.0", text: '{"project": "x"}', name: "kept" };
    const any = run(initialState({ pipelines, initial: null }), { type: "draft-found", draft });
    expect(any).toMatchObject({ selection: { name: "fastq-qc" }, runName: "kept" });
    expect(any.pending?.text).toBe(draft.text);
    expect(run(any, { type: "draft-found", draft: { ...draft, name: "twice" } }).runName).toBe(
      "kept",
    );
    const other = initialState({ pipelines, initial: ask("hello") });
    expect(run(other, { type: "draft-found", draft })).toMatchObject({
      selection: { name: "hello" },
      pending: null,
    });
    const rerun = initialState({
      pipelines,
      initial: { pipeline: "hello", text: '{"name": "again"}', name: "r", from: "01RUN" },
    });
    expect(rerun.notice).toBe("Re-running 01RUN: edit and submit.");
    expect(run(rerun, { type: "draft-found", draft }).pending?.text).toBe('{"name": "again"}');
  });
});

describe("submitting", () => {
  it("submits once the check running now ends valid; not when it ends invalid", () => {
    const edited = run(checkedHello(true), { type: "edited" }, { type: "submit-asked" });
    expect(edited.submit.phase).toBe("queued");
    expect(run(edited, answer(edited, { valid: true })).submit.phase).toBe("sending");
    expect(run(edited, answer(edited, { valid: false })).submit.phase).toBe("idle");
  });

  it("lists the server's problems until the next edit, and allows a new try", () => {
    const sending = run(checkedHello(true), { type: "submit-asked" });
    const problems = [{ path: "/name", message: "taken", line: 1, column: 3 }];
    const refused = run(sending, { type: "submit-failed", detail: "No.", errors: problems });
    expect(refused.serverError?.detail).toBe("No.");
    expect(problemsOf(refused).list).toEqual(problems);
    expect(phaseOf(refused)).toBe("valid");
    expect(run(refused, { type: "edited" }).serverError).toBeNull();
    expect(run(sending, { type: "submit-dropped" }).submit.phase).toBe("idle");
  });
});
