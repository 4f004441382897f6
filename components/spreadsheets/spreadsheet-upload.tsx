"use client";

import { useRef, useState, type DragEvent } from "react";
import { isJsonObject, parseJson } from "@/lib/json/parse-json";
import { ErrorAlert } from "../ui/error-alert";
import styles from "./spreadsheet-upload.module.css";

export interface SheetProblem {
  path: string;
  message: string;
  sheet?: string;
  cell?: string;
}

export interface ConvertedUpload {
  fileName: string;
  pipeline: string;
  config: Record<string, unknown>;
  /** The first 1000 problems; problemCount says how many there are in all. */
  problems: SheetProblem[];
  problemCount?: number;
}

type Problem = { detail?: string; errors?: { path: string; message: string }[] };

async function convert(file: File, pipeline: string | null, base: string | null) {
  const form = new FormData();
  form.set("file", file);
  if (pipeline) form.set("pipeline", pipeline);
  if (base) form.set("config", base);
  const response = await fetch("/api/v1/spreadsheets/convert", { method: "POST", body: form });
  const body = (await response.json().catch(() => null)) as (ConvertedUpload & Problem) | null;
  return { ok: response.ok, status: response.status, body };
}

function isCsv(file: File): boolean {
  return /\.csv$/i.test(file.name) || file.type === "text/csv";
}

/**
 * Template download and spreadsheet upload (pick or drop) on the new-run page. The
 * server reads the file into JSON; it goes into the editor for review, never submitted
 * from here. A CSV carries only the samples: the editor's other values are kept.
 */
export function SpreadsheetUpload({
  pipelineRef,
  getEditorText,
  onConverted,
}: {
  pipelineRef: string | null;
  getEditorText: () => string | undefined;
  onConverted: (upload: ConvertedUpload) => void;
}) {
  const input = useRef<HTMLInputElement | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<{
    file: string;
    items: SheetProblem[];
    count: number;
  } | null>(null);
  const [name, version] = pipelineRef?.split("@") ?? [];

  async function upload(file: File) {
    setBusy(true);
    setError(null);
    setProblems(null);
    try {
      const csv = isCsv(file);
      // A workbook names its pipeline in its hidden sheet; a CSV is for the one selected.
      let result = await convert(file, csv ? pipelineRef : null, csv ? baseText() : null);
      if (!result.ok && result.body?.errors?.[0]?.path === "/pipeline" && pipelineRef) {
        result = await convert(file, pipelineRef, null);
      }
      if (!result.ok || !result.body) {
        setError(result.body?.detail ?? `The file could not be read (HTTP ${result.status}).`);
        return;
      }
      const converted = { ...result.body, fileName: file.name };
      setProblems({
        file: file.name,
        items: converted.problems,
        count: converted.problemCount ?? converted.problems.length,
      });
      onConverted(converted);
    } catch {
      setError("The server could not be reached. Try again.");
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  }

  function baseText(): string | null {
    const text = getEditorText();
    const parsed = text ? parseJson(text) : null;
    return parsed?.ok && isJsonObject(parsed.value) ? text! : null;
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void upload(file);
  }

  const template = name
    ? `/api/v1/pipelines/${encodeURIComponent(name)}/template.xlsx?version=${encodeURIComponent(version ?? "")}`
    : null;
  return (
    <section
      aria-label="Spreadsheet"
      className={`card ${styles.zone} ${dragging ? styles.dragging : ""}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <div className={styles.row}>
        <span className={styles.lead}>Rather fill in a spreadsheet?</span>
        {template ? (
          <a className="btn" href={template} download>
            Download template (.xlsx)
          </a>
        ) : null}
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => input.current?.click()}
        >
          {busy ? "Reading…" : "Upload spreadsheet"}
        </button>
        <input
          ref={input}
          type="file"
          accept=".xlsx,.ods,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet,application/vnd.ms-excel,text/csv"
          className="sr-only"
          aria-label="Spreadsheet file (.xlsx, .ods, .xls or .csv)"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void upload(file);
          }}
        />
        <span className="muted">or drop an .xlsx, .ods, .xls or .csv file here</span>
      </div>
      <ErrorAlert message={error} />
      {problems && problems.items.length > 0 ? (
        <div role="alert" className={styles.problems}>
          <strong>
            {problems.file}: {problems.count} problem
            {problems.count === 1 ? "" : "s"} to fix in the spreadsheet (or below in the JSON)
            {problems.count > problems.items.length
              ? `; the first ${problems.items.length} are listed`
              : ""}
          </strong>
          <ol>
            {problems.items.map((p, i) => (
              <li key={`${p.cell ?? ""}-${i}`}>
                {p.cell ? <code className={styles.cell}>{p.cell}</code> : null} {p.message}
                {p.path ? <span className="muted"> ({p.path})</span> : null}
              </li>
            ))}
          </ol>
        </div>
      ) : problems ? (
        <p className={styles.ok} role="status">
          Read {problems.file}: its JSON is in the editor. Review it, then submit.
        </p>
      ) : null}
    </section>
  );
}
