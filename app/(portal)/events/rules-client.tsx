"use client";

import { useState, type FormEvent } from "react";
import type { EventRuleView } from "@/lib/contract/events";
import { ApiProblem, callApiText } from "@/components/ui/api-client";
import { ErrorAlert } from "@/components/ui/error-alert";
import { FormField } from "@/components/ui/form-field";

interface Props {
  initial: EventRuleView[];
  canEdit: boolean;
}

const EMPTY = {
  name: "",
  eventType: "",
  pipeline: "",
  submitAs: "",
  filter: "[]",
  configTemplate: '{\n  "name": "{{ /payload/run }}"\n}',
};

/** The rules table; administrators create, enable, disable and delete rules here. */
export function RulesClient({ initial, canEdit }: Props) {
  const [rules, setRules] = useState(initial);
  const [form, setForm] = useState(EMPTY);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (key: keyof typeof EMPTY) => (value: string) => setForm({ ...form, [key]: value });
  const at = (path: string) =>
    problem
      ?.under(path)
      .map((e) => `${e.path.slice(path.length) || ""} ${e.message}`.trim())
      .join("; ") || null;

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      let filter: unknown;
      let configTemplate: unknown;
      try {
        filter = JSON.parse(form.filter);
        configTemplate = JSON.parse(form.configTemplate);
      } catch (error) {
        throw new ApiProblem(400, `The filter or the template is not JSON: ${String(error)}`);
      }
      const body = { ...form, filter, configTemplate };
      const rule = await callApiText<EventRuleView>(
        "POST",
        "/api/v1/event-rules",
        JSON.stringify(body),
      );
      if (rule) setRules([...rules, rule]);
      setForm(EMPTY);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, String(error)));
    } finally {
      setBusy(false);
    }
  }

  async function change(rule: EventRuleView, enabled: boolean | null) {
    setProblem(null);
    try {
      if (enabled === null) {
        await callApiText("DELETE", rule.links.self);
        setRules(rules.filter((r) => r.id !== rule.id));
      } else {
        const changed = await callApiText<EventRuleView>(
          "PATCH",
          rule.links.self,
          JSON.stringify({ enabled }),
        );
        if (changed) setRules(rules.map((r) => (r.id === rule.id ? changed : r)));
      }
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, String(error)));
    }
  }

  return (
    <section className="card">
      <h2>Rules</h2>
      {rules.length === 0 ? (
        <p className="empty-state">No rule yet: every event type is unknown (404).</p>
      ) : (
        <div className="table-frame">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Event type</th>
                <th scope="col">Starts</th>
                <th scope="col">As</th>
                <th scope="col">Filter</th>
                {canEdit ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => (
                <tr key={rule.id}>
                  <td>
                    {rule.name}
                    {rule.enabled ? "" : " (disabled)"}
                  </td>
                  <td>
                    <code>{rule.eventType}</code>
                  </td>
                  <td>
                    <code>{rule.pipeline}</code>
                  </td>
                  <td>{rule.submitAs}</td>
                  <td>
                    <code>{JSON.stringify(rule.filter)}</code>
                  </td>
                  {canEdit ? (
                    <td className="action-cell">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => void change(rule, !rule.enabled)}
                      >
                        {rule.enabled ? "Disable" : "Enable"}
                      </button>{" "}
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={() => void change(rule, null)}
                        aria-label={`Delete the rule ${rule.name}`}
                      >
                        Delete
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorAlert message={problem?.message} />
      {canEdit ? (
        <form onSubmit={(e) => void create(e)} className="stack" aria-label="New rule">
          <h3>New rule</h3>
          <FormField id="rule-name" label="Name" error={at("/name")}>
            <input id="rule-name" value={form.name} onChange={(e) => set("name")(e.target.value)} />
          </FormField>
          <FormField id="rule-type" label="Event type" error={at("/eventType")}>
            <input
              id="rule-type"
              value={form.eventType}
              placeholder="sequencing_run_finished, run.succeeded"
              onChange={(e) => set("eventType")(e.target.value)}
            />
          </FormField>
          <FormField id="rule-pipeline" label="Pipeline" error={at("/pipeline")}>
            <input
              id="rule-pipeline"
              value={form.pipeline}
              placeholder="hello@latest"
              onChange={(e) => set("pipeline")(e.target.value)}
            />
          </FormField>
          <FormField id="rule-user" label="Submit as (username)" error={at("/submitAs")}>
            <input
              id="rule-user"
              value={form.submitAs}
              onChange={(e) => set("submitAs")(e.target.value)}
            />
          </FormField>
          <FormField
            id="rule-filter"
            label='Filter (JSON: [{"pointer": "/payload/x", "equals" | "in" | "matches": …}])'
            error={at("/filter")}
          >
            <textarea
              id="rule-filter"
              rows={3}
              value={form.filter}
              onChange={(e) => set("filter")(e.target.value)}
            />
          </FormField>
          <FormField
            id="rule-template"
            label="Config template (JSON; {{ /payload/pointer }} substitutions)"
            error={at("/configTemplate")}
          >
            <textarea
              id="rule-template"
              rows={6}
              value={form.configTemplate}
              onChange={(e) => set("configTemplate")(e.target.value)}
            />
          </FormField>
          <div>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              Create the rule
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
