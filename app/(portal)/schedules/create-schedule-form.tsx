"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { parseJson } from "@/lib/json/parse-json";
import { describeCron } from "@/lib/schedules/describe-cron";
import type { ScheduleView } from "@/lib/contract/schedules";
import {
  bodyText,
  problemsOf,
  selectorsOf,
  type PipelineChoice,
  type Problems,
} from "./schedule-form";
import { callApiText } from "@/components/ui/api-client";
import { ErrorAlert } from "@/components/ui/error-alert";
import { FormField, invalidProps } from "@/components/ui/form-field";
import styles from "./schedules.module.css";

interface Props {
  pipelines: PipelineChoice[];
  beatIntervalSeconds: number;
  onCreated: (schedule: ScheduleView) => void;
}

/** Pipeline, version, name, cron, time zone, missed policy and config; POST /api/v1/schedules. */
export function CreateScheduleForm({ pipelines, beatIntervalSeconds, onCreated }: Props) {
  const [pipelineName, setPipelineName] = useState(pipelines[0]?.name ?? "");
  const pipeline = pipelines.find((p) => p.name === pipelineName);
  const [selector, setSelector] = useState(selectorsOf(pipeline)[0] ?? "latest");
  const [cron, setCron] = useState("0 2 * * *");
  const [timeZone, setTimeZone] = useState("UTC");
  const [config, setConfig] = useState("");
  const loadedExample = useRef("");
  const [zones, setZones] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problems>({});

  useEffect(() => {
    // The browser's zone is the likely one; the list comes from the browser too.
    setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
    setZones(["UTC", ...Intl.supportedValuesOf("timeZone")]);
  }, []);

  useEffect(() => {
    if (!pipelineName) return;
    let stale = false;
    const url = `/api/v1/pipelines/${encodeURIComponent(pipelineName)}?version=${encodeURIComponent(selector)}`;
    void callApiText<{ example: unknown }>("GET", url)
      .then((detail) => {
        if (stale || detail?.example === undefined || detail.example === null) return;
        const example = JSON.stringify(detail.example, null, 2);
        // Replace the config only while it is still an example nobody edited.
        setConfig((current) =>
          current.trim() === "" || current === loadedExample.current ? example : current,
        );
        loadedExample.current = example;
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [pipelineName, selector]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (key: string) => {
      const value = form.get(key);
      return typeof value === "string" ? value.trim() : "";
    };
    const parsed = parseJson(config);
    if (!parsed.ok) {
      const at = `line ${parsed.position.line}, column ${parsed.position.column}`;
      setProblems({ config: [{ path: "/config", message: `${parsed.message} at ${at}` }] });
      return;
    }
    const fields = {
      name: text("name"),
      pipeline: `${pipelineName}@${selector}`,
      cron: text("cron"),
      timeZone: text("timeZone"),
      missedPolicy: text("missedPolicy"),
    };
    setBusy(true);
    setProblems({});
    try {
      const created = await callApiText<ScheduleView>(
        "POST",
        "/api/v1/schedules",
        bodyText(fields, config),
      );
      if (created) onCreated(created);
    } catch (error) {
      setProblems(problemsOf(error));
    } finally {
      setBusy(false);
    }
  }

  const words = describeCron(cron);
  return (
    <form className={styles.form} onSubmit={(e) => void submit(e)} noValidate>
      <FormField id="schedule-pipeline" label="Pipeline" error={problems.pipeline}>
        <select
          id="schedule-pipeline"
          value={pipelineName}
          onChange={(e) => {
            const next = pipelines.find((p) => p.name === e.target.value);
            setPipelineName(e.target.value);
            setSelector(selectorsOf(next)[0] ?? "latest");
          }}
          {...invalidProps("schedule-pipeline", problems.pipeline)}
        >
          {pipelines.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </FormField>
      <FormField id="schedule-version" label="Version">
        <select
          id="schedule-version"
          value={selector}
          onChange={(e) => setSelector(e.target.value)}
        >
          {selectorsOf(pipeline).map((v) => (
            <option key={v} value={v}>
              {v === "latest" ? `latest (now ${pipeline?.latest ?? "?"})` : v}
            </option>
          ))}
        </select>
      </FormField>
      <FormField id="schedule-name" label="Name" error={problems.name} className={styles.grow}>
        <input
          id="schedule-name"
          name="name"
          maxLength={255}
          required
          placeholder="e.g. nightly QC"
          autoComplete="off"
          {...invalidProps("schedule-name", problems.name)}
        />
      </FormField>
      <FormField id="schedule-cron" label="Cron expression" error={problems.cron}>
        <input
          id="schedule-cron"
          name="cron"
          value={cron}
          onChange={(e) => setCron(e.target.value)}
          className={styles.mono}
          spellCheck={false}
          autoComplete="off"
          {...invalidProps("schedule-cron", problems.cron, "schedule-cron-hint")}
        />
        <span id="schedule-cron-hint" className={styles.hint}>
          {words ? `Runs ${words}. ` : ""}minute hour day-of-month month day-of-week
        </span>
      </FormField>
      <FormField id="schedule-time-zone" label="Time zone" error={problems.timeZone}>
        <input
          id="schedule-time-zone"
          name="timeZone"
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
          list="schedule-time-zones"
          autoComplete="off"
          {...invalidProps("schedule-time-zone", problems.timeZone)}
        />
        <datalist id="schedule-time-zones">
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </FormField>
      <fieldset className={styles.policy}>
        <legend>When fires were missed (beat down longer than {beatIntervalSeconds * 3} s)</legend>
        <label>
          <input type="radio" name="missedPolicy" value="skip" defaultChecked /> Skip them, wait for
          the next fire
        </label>
        <label>
          <input type="radio" name="missedPolicy" value="run_once" /> Run once to catch up
        </label>
      </fieldset>
      <FormField id="schedule-config" label="Config (JSON)" className={styles.full}>
        <textarea
          id="schedule-config"
          value={config}
          onChange={(e) => setConfig(e.target.value)}
          rows={10}
          spellCheck={false}
          className={styles.mono}
          aria-invalid={problems.config ? true : undefined}
          aria-describedby={problems.config ? "schedule-config-errors" : undefined}
        />
        {problems.config ? (
          <ul
            id="schedule-config-errors"
            className={`field-error ${styles.fieldErrors}`}
            role="alert"
          >
            {problems.config.map((p) => (
              <li key={`${p.path} ${p.message}`}>
                <code>{p.path.replace(/^\/config/, "") || "/"}</code> {p.message}
                {p.line ? <span className="muted"> (line {p.line})</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </FormField>
      <ErrorAlert message={problems.other} className={styles.full} />
      <div className={styles.full}>
        <button type="submit" className="btn btn-primary" disabled={busy || !pipelineName}>
          {busy ? "Creating…" : "Create schedule"}
        </button>
      </div>
    </form>
  );
}
