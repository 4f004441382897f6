import type { Metadata } from "next";
import Link from "next/link";
import { VersionLinks } from "@/components/pipelines/version-links";
import { canSubmit } from "@/lib/roles";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { getAppContext } from "@/server/http/app-context";
import { listPipelines } from "@/server/pipelines/list-pipelines";
import styles from "./pipelines.module.css";

export const metadata: Metadata = { title: "Pipelines" };

/** The first paragraph of a description (the card clamps it to a few lines). */
function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0]?.trim() ?? "";
}

/** Every registered pipeline: what it does, its versions, links to its fields and to a run. */
export default async function PipelinesPage() {
  const principal = await requirePagePrincipal("/pipelines");
  const pipelines = await listPipelines(getAppContext());
  const mayRun = canSubmit(principal.role);
  return (
    <main>
      <div className="page-header">
        <div>
          <h1>Pipelines</h1>
          <p className="muted">
            {pipelines.length} pipeline{pipelines.length === 1 ? "" : "s"} · open one to see the
            fields its config takes, an example and how to submit it with curl
          </p>
        </div>
      </div>
      {pipelines.length === 0 ? (
        <div className={`card empty-state ${styles.empty}`}>
          <h2>No pipelines yet</h2>
          <p className="muted">
            A pipeline is a folder with a <code>pipeline.json</code> (name, version, command, JSON
            Schema and example) in one of the folders on <code>PIPELINES_PATH</code>. The worker and
            beat processes register every pipeline they find when they start (so does{" "}
            <code>npm run setup:db</code>): add the folder, restart them, and it appears here.{" "}
            <code>docs/PIPELINES.md</code> explains the format.
          </p>
        </div>
      ) : (
        <ul className={styles.grid}>
          {pipelines.map((p) => {
            const shown = p.latest ?? p.versions[0]?.version ?? null;
            return (
              <li key={p.name} className={`card ${styles.card}`}>
                <h2 className={styles.title}>
                  <Link href={`/pipelines/${encodeURIComponent(p.name)}`}>{p.title}</Link>
                </h2>
                <p className={styles.name}>
                  <code>{p.name}</code>
                  {p.latest ? null : <span className="muted"> · development versions only</span>}
                </p>
                <p className={styles.description}>{firstParagraph(p.description)}</p>
                <div className={styles.versions}>
                  <span className={styles.label}>Versions</span>
                  <VersionLinks
                    name={p.name}
                    versions={p.versions}
                    latest={p.latest}
                    label={`Versions of ${p.name}`}
                  />
                </div>
                <div className={styles.actions}>
                  <Link href={`/pipelines/${encodeURIComponent(p.name)}`} className="btn">
                    Fields and example
                  </Link>
                  {mayRun && shown ? (
                    <Link
                      href={`/new?pipeline=${encodeURIComponent(p.name)}@${encodeURIComponent(shown)}`}
                      className="btn btn-primary"
                    >
                      Start a run
                    </Link>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </main>
  );
}
