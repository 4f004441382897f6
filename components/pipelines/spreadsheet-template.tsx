import styles from "./spreadsheet-template.module.css";

/** The version's .xlsx template: blank or filled with the example, and how to submit it. */
export function SpreadsheetTemplate({
  name,
  version,
  origin,
}: {
  name: string;
  version: string;
  origin: string;
}) {
  const url = `/api/v1/pipelines/${encodeURIComponent(name)}/template.xlsx?version=${encodeURIComponent(version)}`;
  return (
    <div className={`card ${styles.card}`}>
      <p>
        Fill in a spreadsheet instead of writing JSON: one sheet (&ldquo;Run&rdquo;) for the
        single-value fields, one sheet per list of items (one row per item, such as one row per
        sample), with dropdowns for the allowed values and a README sheet. Upload it on the{" "}
        <a href={`/new?pipeline=${encodeURIComponent(`${name}@${version}`)}`}>New run</a> page or
        send it with curl.
      </p>
      <div className="row">
        <a className="btn" href={url} download>
          Download template (.xlsx)
        </a>
        <a className="btn" href={`${url}&example=true`} download>
          Template filled with the example
        </a>
      </div>
      <p className={`muted ${styles.url}`}>
        <code>{`curl --user USER:TOKEN -F file=@${name}-${version}-template.xlsx ${origin}/api/v1/runs`}</code>
      </p>
    </div>
  );
}
