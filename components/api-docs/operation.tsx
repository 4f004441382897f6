import type { OperationDoc } from "@/lib/operation-doc";
import styles from "./api-docs.module.css";

/** Text with `code` spans, as the OpenAPI descriptions write them. */
function Prose({ text }: { text: string }) {
  return (
    <>{text.split("`").map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>
  );
}

/** One endpoint of the API reference: method, path, parameters, body example, responses. */
export function Operation({ op }: { op: OperationDoc }) {
  const id = `${op.method}-${op.path}`.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
  return (
    <section className={styles.operation} id={id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className={styles.title}>
        <span className={`${styles.method} ${styles[op.method] ?? ""}`}>
          {op.method.toUpperCase()}
        </span>
        <code>{op.path}</code>
        {op.public ? <span className={styles.badge}>no auth</span> : null}
      </h3>
      <p className={styles.summary}>{op.summary}</p>
      {op.description ? (
        <p>
          <Prose text={op.description} />
        </p>
      ) : null}
      {op.parameters.length > 0 ? (
        <table className={styles.table}>
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              <th scope="col">In</th>
              <th scope="col">Type</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {op.parameters.map((p) => (
              <tr key={`${p.in}-${p.name}`}>
                <td>
                  <code>{p.name}</code>
                  {p.required ? " *" : ""}
                </td>
                <td>{p.in}</td>
                <td>{p.type ?? ""}</td>
                <td>
                  <Prose text={p.description ?? ""} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {op.requestExample ? (
        <>
          <h4>Request body</h4>
          <pre>{op.requestExample}</pre>
        </>
      ) : null}
      <h4>Responses</h4>
      <ul className={styles.responses}>
        {op.responses.map((r) => (
          <li key={r.status}>
            <code>{r.status}</code> <Prose text={r.description} />
          </li>
        ))}
      </ul>
    </section>
  );
}
