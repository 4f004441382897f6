import type { ReactNode } from "react";
import type { SchemaField } from "@/lib/schema/schema-fields";
import styles from "./schema-table.module.css";

const MAX_VALUE_CHARS = 60;

/** Fixed shares keep the table inside the page; long values wrap inside their cell. */
const COLUMNS = [
  { label: "Field", width: "17%" },
  { label: "Type", width: "13%" },
  { label: "Required", width: "8%" },
  { label: "Description", width: "22%" },
  { label: "Allowed values", width: "9%" },
  { label: "Default", width: "9%" },
  { label: "Examples", width: "12%" },
  { label: "Constraints", width: "10%" },
];

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
      {prefix ? (
        <>
          <span className={styles.prefix}>{prefix}</span>
          <wbr />
        </>
      ) : null}
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
    <div className="table-box">
      <table className={`table ${styles.table}`}>
        <caption className="sr-only">{caption}</caption>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.label} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.label} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => (
            <tr key={field.path} className={field.depth > 0 ? styles.nested : undefined}>
              <th scope="row" className={styles.field}>
                <div className={styles.indent} style={{ paddingLeft: `${field.depth * 16}px` }}>
                  {field.depth > 0 ? <span className={styles.branch} aria-hidden="true" /> : null}
                  <FieldName field={field} />
                  {field.title ? <div className={styles.title}>{field.title}</div> : null}
                </div>
              </th>
              <td>
                <TypeCell field={field} />
              </td>
              <td>
                {field.required ? (
                  <span className={styles.required}>required</span>
                ) : (
                  <span className="muted">optional</span>
                )}
              </td>
              <td>
                {field.description ?? (field.helpText ? null : <Dash />)}
                {field.helpText ? (
                  <details className={styles.help}>
                    <summary>More help</summary>
                    <p className={styles.helpText}>{field.helpText}</p>
                  </details>
                ) : null}
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
              <td>
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
