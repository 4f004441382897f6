/**
 * Browser page of the array-grid test and bench: the schema form's ArrayGrid alone, on
 * fastq-qc's dataFiles item schema with ?rows=N generated files (default 10,000), a parent
 * that applies each onChange as the form does, and what happened exposed on window.gridHarness.
 */
import { StrictMode, useState } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { ArrayGrid, type GridChange } from "@/components/schema-form/array-grid";
import { applyGridChanges } from "@/components/schema-form/grid-values";
import schema from "@/pipelines/fastq-qc/schema.json";

interface Harness {
  calls: GridChange[][];
  value: unknown[];
  /** Milliseconds of the first render (React commit, synchronous) and until the next frame. */
  renderMs: number;
  paintMs: number;
  /** Unmounts the page and renders it again in a new root: milliseconds (React warm). */
  remount(): number;
}
declare global {
  interface Window {
    gridHarness: Harness;
  }
}

const params = new URLSearchParams(location.search);
const count = Number(params.get("rows") ?? "10000");
const maxItems = params.has("maxItems") ? Number(params.get("maxItems")) : 20000;
const itemSchema = schema.properties.dataFiles.items as Record<string, unknown>;
const initial = Array.from({ length: count }, (_, index) => ({
  fastqPath: `data/run42/S${index + 1}_L001_R${(index % 2) + 1}_001.fastq.gz`,
  fastqCode: index % 2 === 0 ? "R1" : "R2",
  sampleName: `S${Math.floor(index / 2) + 1}`,
  rgsm: `S${Math.floor(index / 2) + 1}`,
  rglb: "lib1",
  rgpu: "HRP01AAXX.1",
  lane: 1,
  numberOfReads: 1000 + index,
}));
// What the form's validator would say about two of the rows.
const errors = new Map([
  ["/dataFiles/2/sampleName", "must match pattern ^[A-Za-z0-9][A-Za-z0-9._-]*$"],
  ["/dataFiles/4", "must have required property 'rgpu'"],
]);

const harness: Harness = { calls: [], value: initial, renderMs: 0, paintMs: 0, remount };
window.gridHarness = harness;

function Page() {
  const [value, setValue] = useState<unknown[]>(initial);
  harness.value = value;
  return (
    <main style={{ padding: 16 }}>
      <h1>Data files</h1>
      <ArrayGrid
        label="Data files"
        pointer="/dataFiles"
        itemSchema={itemSchema}
        value={value}
        errors={errors}
        minItems={1}
        maxItems={maxItems}
        idPrefix="data-files"
        onChange={(changes) => {
          harness.calls.push(changes);
          setValue((before) => applyGridChanges(before, changes));
        }}
      />
    </main>
  );
}

let root = createRoot(document.getElementById("root")!);
function mount(): number {
  const start = performance.now();
  flushSync(() =>
    root.render(
      <StrictMode>
        <Page />
      </StrictMode>,
    ),
  );
  return performance.now() - start;
}
function remount(): number {
  root.unmount();
  root = createRoot(document.getElementById("root")!);
  return mount();
}
const start = performance.now();
harness.renderMs = mount();
requestAnimationFrame(() => {
  harness.paintMs = performance.now() - start;
  document.body.dataset.ready = "true";
});
