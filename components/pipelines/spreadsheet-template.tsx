import styles from "./spreadsheet-template.module.css";

/**
 * Where the version's .xlsx template will be offered. The button stays disabled until
 * the template endpoint exists; the URL it will use is shown so that scripts can plan.
 */
export function SpreadsheetTemplate({ name, version }: { name: string; version: string }) {
  const url = `/api/v1/pipelines/${encodeURIComponent(name)}/template.xlsx?version=${encodeURIComponent(version)}`;
  return (
    <div className={`card ${styles.card}`}>
      <p>
        A spreadsheet template for <code>{`${name}@${version}`}</code> will be offered here: one
        sheet for the single-value fields, one sheet per list of items (one row per item, such as
        one row per sample), with dropdowns for the allowed values. Fill it in and upload it instead
        of writing JSON.
      </p>
      <div className="row">
        <button type="button" className="btn" disabled aria-describedby="template-note">
          Download template (.xlsx)
        </button>
        <span id="template-note" className="muted">
          Spreadsheet submission is coming; until then, use the editor or curl.
        </span>
      </div>
      <p className={`muted ${styles.url}`}>
        It will be served at <code>{url}</code>
      </p>
    </div>
  );
}
