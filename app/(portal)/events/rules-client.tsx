"use client";

import { useState, type FormEvent } from "react";
import type { EventRuleView } from "@/lib/contract/events";
import { ApiProblem, callApiText, messageOf, type FieldProblem } from "@/components/ui/api-client";
import { ErrorAlert } from "@/components/ui/error-alert";
import { FormField, invalidProps } from "@/components/ui/form-field";
import styles from "./rules.module.css";

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
  enabled: true,
};
type RuleForm = typeof EMPTY;

/** A rule as the form shows it: the filter and the template as indented JSON text. */
function formOf(rule: EventRuleView): RuleForm {
  return {
    name: rule.name,
    eventType: rule.eventType,
    pipeline: rule.pipeline,
    submitAs: rule.submitAs,
    filter: JSON.stringify(rule.filter, null, 2),
    configTemplate: JSON.stringify(rule.configTemplate, null, 2),
    enabled: rule.enabled,
  };
}

/** The form's fields as the API takes them; the JSON texts parsed (a problem at their field). */
function bodyOf(form: RuleForm): Record<string, unknown> {
  const errors: FieldProblem[] = [];
  const parse = (key: "filter" | "configTemplate") => {
    try {
      return JSON.parse(form[key]) as unknown;
    } catch (error) {
      errors.push({ path: `/${key}`, message: `is not JSON: ${messageOf(error)}` });
      return undefined;
    }
  };
  const body = { ...form, filter: parse("filter"), configTemplate: parse("configTemplate") };
  if (errors.length > 0)
    throw new ApiProblem(400, "The filter or the template is not JSON", errors);
  return body;
}

/** The messages of a problem at a field or under it ("/configTemplate/x: ..."). */
function messagesAt(problem: ApiProblem | null, path: string): string | null {
  return (
    problem
      ?.under(path)
      .map((e) => `${e.path.slice(path.length) || ""} ${e.message}`.trim())
      .join("; ") || null
  );
}

/** The rule's fields, for the create form (`rule-…` ids) and the edit form (`edit-rule-…`). */
function RuleFields({
  prefix,
  form,
  onChange,
  problem,
  withEnabled,
}: {
  prefix: string;
  form: RuleForm;
  onChange: (form: RuleForm) => void;
  problem: ApiProblem | null;
  withEnabled: boolean;
}) {
  const set = (key: Exclude<keyof RuleForm, "enabled">) => (value: string) =>
    onChange({ ...form, [key]: value });
  const field = (key: string, path: string) => {
    const error = messagesAt(problem, path);
    return { id: `${prefix}-${key}`, error, control: invalidProps(`${prefix}-${key}`, error) };
  };
  const name = field("name", "/name");
  const type = field("type", "/eventType");
  const pipeline = field("pipeline", "/pipeline");
  const user = field("user", "/submitAs");
  const filter = field("filter", "/filter");
  const template = field("template", "/configTemplate");
  return (
    <>
      <FormField id={name.id} label="Name" error={name.error}>
        <input
          id={name.id}
          value={form.name}
          onChange={(e) => set("name")(e.target.value)}
          {...name.control}
        />
      </FormField>
      <FormField id={type.id} label="Event type" error={type.error}>
        <input
          id={type.id}
          value={form.eventType}
          placeholder="sequencing_run_finished, run.succeeded"
          onChange={(e) => set("eventType")(e.target.value)}
          {...type.control}
        />
      </FormField>
      <FormField id={pipeline.id} label="Pipeline" error={pipeline.error}>
        <input
          id={pipeline.id}
          value={form.pipeline}
          placeholder="hello@latest"
          onChange={(e) => set("pipeline")(e.target.value)}
          {...pipeline.control}
        />
      </FormField>
      <FormField id={user.id} label="Submit as (username)" error={user.error}>
        <input
          id={user.id}
          value={form.submitAs}
          onChange={(e) => set("submitAs")(e.target.value)}
          {...user.control}
        />
      </FormField>
      <FormField
        id={filter.id}
        label='Filter (JSON: [{"pointer": "/payload/x", "equals" | "in" | "matches": …}])'
        error={filter.error}
      >
        <textarea
          id={filter.id}
          rows={3}
          value={form.filter}
          onChange={(e) => set("filter")(e.target.value)}
          {...filter.control}
        />
      </FormField>
      <FormField
        id={template.id}
        label="Config template (JSON; {{ /payload/pointer }} substitutions)"
        error={template.error}
      >
        <textarea
          id={template.id}
          rows={6}
          value={form.configTemplate}
          onChange={(e) => set("configTemplate")(e.target.value)}
          {...template.control}
        />
      </FormField>
      {withEnabled ? (
        <div className="field">
          <label className={styles.check}>
            <input
              type="checkbox"
              id={`${prefix}-enabled`}
              checked={form.enabled}
              onChange={(e) => onChange({ ...form, enabled: e.target.checked })}
            />{" "}
            Enabled
          </label>
        </div>
      ) : null}
    </>
  );
}

/** The rules table; administrators create, edit, enable, disable and delete rules here. */
export function RulesClient({ initial, canEdit }: Props) {
  const [rules, setRules] = useState(initial);
  const [form, setForm] = useState(EMPTY);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  // The rule being edited, its form, and the problems of its last save.
  const [editing, setEditing] = useState<{ rule: EventRuleView; form: RuleForm } | null>(null);
  const [editProblem, setEditProblem] = useState<ApiProblem | null>(null);

  function startEdit(rule: EventRuleView) {
    setEditProblem(null);
    setEditing({ rule, form: formOf(rule) });
  }

  /** PATCH with the fields that changed only (the audit names them). */
  async function save(event: FormEvent) {
    event.preventDefault();
    if (!editing) return;
    setBusy(true);
    setEditProblem(null);
    try {
      const before = bodyOf(formOf(editing.rule));
      const after = bodyOf(editing.form);
      const changes = Object.fromEntries(
        Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])),
      );
      const changed =
        Object.keys(changes).length === 0
          ? editing.rule
          : await callApiText<EventRuleView>(
              "PATCH",
              editing.rule.links.self,
              JSON.stringify(changes),
            );
      if (changed) setRules(rules.map((r) => (r.id === changed.id ? changed : r)));
      setEditing(null);
    } catch (error) {
      setEditProblem(error instanceof ApiProblem ? error : new ApiProblem(0, messageOf(error)));
    } finally {
      setBusy(false);
    }
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const body = bodyOf(form);
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
                        onClick={() => startEdit(rule)}
                        aria-label={`Edit the rule ${rule.name}`}
                      >
                        Edit
                      </button>{" "}
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
      {canEdit && editing ? (
        <form
          onSubmit={(e) => void save(e)}
          className="stack"
          aria-label={`Edit the rule ${editing.rule.name}`}
        >
          <h3>Edit the rule {editing.rule.name}</h3>
          <ErrorAlert message={editProblem?.message} />
          <RuleFields
            prefix="edit-rule"
            form={editing.form}
            onChange={(next) => setEditing({ ...editing, form: next })}
            problem={editProblem}
            withEnabled
          />
          <div>
            <button type="submit" className="btn btn-primary" disabled={busy}>
              Save the rule
            </button>{" "}
            <button type="button" className="btn" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      <ErrorAlert message={problem?.message} />
      {canEdit ? (
        <form onSubmit={(e) => void create(e)} className="stack" aria-label="New rule">
          <h3>New rule</h3>
          <RuleFields
            prefix="rule"
            form={form}
            onChange={setForm}
            problem={problem}
            withEnabled={false}
          />
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
