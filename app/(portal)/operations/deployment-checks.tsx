"use client";

import { useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import type { DeploymentChecks as Checks } from "@/lib/contract/operations";
import styles from "./operations.module.css";

const LABEL = { ok: "ok", warn: "warning", fail: "failed" } as const;

/**
 * The checks of `npm run doctor`, run by the web process when asked (each opens
 * connections of its own and may take up to 3 s, so not on every view).
 */
export function DeploymentChecks() {
  const [checks, setChecks] = useState<Checks["checks"] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    const response = await fetch("/api/v1/operations/checks").catch(() => null);
    setBusy(false);
    if (!response?.ok) {
      setError("The checks did not run: the server refused or did not answer.");
      return;
    }
    setChecks(((await response.json()) as Checks).checks);
  }

  return (
    <section aria-labelledby="checks-title">
      <div className={styles.checksHeader}>
        <h2 id="checks-title">Deployment checks</h2>
        <button type="button" className="btn" disabled={busy} onClick={() => void run()}>
          {busy ? "Checking…" : checks ? "Check again" : "Run the checks"}
        </button>
      </div>
      {error && (
        <p role="alert" className={styles.bad}>
          {error}
        </p>
      )}
      {checks === null ? (
        <p className="card muted">
          Database, migrations, Redis, pipelines, runs folder, public address, Slurm and clocks, as{" "}
          <code>npm run doctor</code> checks them.
        </p>
      ) : (
        <DataTable boxClassName="card table-box" columns={["Check", "Result", "Found"]}>
          {checks.map((check) => (
            <tr key={check.name} data-status={check.status}>
              <td>{check.name}</td>
              <td className={check.status === "ok" ? undefined : styles.bad}>
                {LABEL[check.status]}
              </td>
              <td className={styles.reason}>{check.summary}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
