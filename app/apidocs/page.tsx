import type { Metadata } from "next";
import styles from "@/components/api-docs/api-docs.module.css";
import { Operation } from "@/components/api-docs/operation";
import { listOperations } from "@/server/openapi/list-operations";

export const metadata: Metadata = { title: "API" };

/** The API reference, rendered on the server from the OpenAPI document (no CDN, no script). */
export default function ApiDocsPage() {
  const operations = listOperations();
  return (
    <main>
      <h1>Runport API</h1>
      <p>
        Authenticate with HTTP Basic (your username and password, or your username and an API token
        as the password) or with <code>Authorization: Bearer &lt;token&gt;</code>. Errors are{" "}
        <code>application/problem+json</code> and point at the exact place in what you sent. The
        machine-readable document is <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>
      <pre>
        {`curl --request POST --user USER:TOKEN \\
  --header "Content-type: application/json" \\
  -d @example.json https://runport.example/api/v1/new-run/`}
      </pre>
      <nav aria-label="Endpoints" className={styles.endpoints}>
        <ul>
          {operations.map((op) => (
            <li key={`${op.method} ${op.path}`}>
              <a href={`#${`${op.method}-${op.path}`.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`}>
                {op.method.toUpperCase()} {op.path}
              </a>{" "}
              — {op.summary}
            </li>
          ))}
        </ul>
      </nav>
      {operations.map((op) => (
        <Operation key={`${op.method} ${op.path}`} op={op} />
      ))}
    </main>
  );
}
