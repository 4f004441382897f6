import type { ReactNode } from "react";
import type { SchemaField } from "@/lib/schema/schema-fields";
import styles from "./schema-table.module.css";

const MAX_VALUE_CHARS = 60;

/** A JSON value as it is written in a config, shortened when long (full text on hover). */
function Value({ value }: { value: unknown }) {
  const text = JSON.stringify(value) ?? String(value);
  const short = text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
  return (
    <code className={styles.value} title={short === text ? undefined : text}>
      {short}
    </code>
  );
}

function Values({ values }: { values: readonly unknown[] }) {
  if (values.length === 0) return <Dash />;
  return (
    <ul className={styles.values}>
      {values.map((value, i) => (
        <li key={i}>
          <Value value={value} />
        </li>
      ))}
    </ul>
  );
}

function Dash() {
  return (
    <span className="muted" aria-label="none">
      —
    </span>
  );
}

/** `dataFiles[].` quiet, `fastqCode` strong: where the field sits and what it is called. */
function FieldName({ field }: { field: SchemaField }) {
  const prefix = field.path.slice(0, field.path.length - field.name.length);
  const name = field.path.slice(prefix.length);
  return (
    <code className={styles.path}>
      {prefix ? <span className={styles.prefix}>{prefix}</span> : null}
      <strong>{name}</strong>
    </code>
  );
}

function TypeCell({ field }: { field: SchemaField }) {
  const lines: ReactNode[] = [];
  if (field.itemType) lines.push(<>of {field.itemType}</>);
  if (field.format)
    lines.push(
      <>
        format <code>{field.format}</code>
      </>,
    );
  for (const pattern of field.patterns)
    lines.push(
      <>
        pattern <code className={styles.pattern}>{pattern}</code>
      </>,
    );
  return (
    <>
      <code className={styles.type}>{field.type}</code>
      {lines.map((line, i) => (
        <div key={i} className={styles.detail}>
          {line}
        </div>
      ))}
    </>
  );
}

/**
 * The fields of a pipeline's config as a table: one row per field, nested fields
 * indented under their parent. Every value is rendered as text.
 */
export function SchemaTable({ fields, caption }: { fields: SchemaField[]; caption: string }) {
  return (
    <div className={styles.scroll}>
      <table className={`table ${styles.table}`}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Description</th>
            <th scope="col">Allowed values</th>
            <th scope="col">Default</th>
            <th scope="col">Examples</th>
            <th scope="col">Constraints</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => (
            <tr key={field.path} className={field.depth > 0 ? styles.nested : undefined}>
              <th scope="row" className={styles.field}>
                <div style={{ paddingLeft: `${field.depth * 18}px` }}>
                  {field.depth > 0 ? <span className={styles.branch} aria-hidden="true" /> : null}
                  <FieldName field={field} />
                  {field.title ? <div className={styles.title}>{field.title}</div> : null}
                </div>
              </th>
              <td className={styles.typeCell}>
                <TypeCell field={field} />
              </td>
              <td>
                {field.required ? (
                  <span className={styles.required}>required</span>
                ) : (
                  <span className="muted">optional</span>
                )}
              </td>
              <td className={styles.description}>
                {field.description ?? <Dash />}
                {field.notes.map((note) => (
                  <div key={note} className={styles.note}>
                    {note}
                  </div>
                ))}
              </td>
              <td>
                {field.hasConst ? (
                  <>
                    <span className={styles.detail}>exactly </span>
                    <Value value={field.const} />
                  </>
                ) : (
                  <Values values={field.enum ?? []} />
                )}
              </td>
              <td>{field.hasDefault ? <Value value={field.default} /> : <Dash />}</td>
              <td>
                <Values values={field.examples} />
              </td>
              <td className={styles.constraints}>
                {field.constraints.length > 0 ? (
                  <ul className={styles.values}>
                    {field.constraints.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                ) : (
                  <Dash />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
