import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CodeBlock } from "@/components/pipelines/code-block";
import { SchemaTable } from "@/components/pipelines/schema-table";
import { SpreadsheetTemplate } from "@/components/pipelines/spreadsheet-template";
import { SubmitSnippets } from "@/components/pipelines/submit-snippets";
import { VersionLinks } from "@/components/pipelines/version-links";
import { RelativeTime } from "@/components/ui/relative-time";
import { canSubmit } from "@/lib/roles";
import { schemaFields, schemaOverview } from "@/lib/schema/schema-fields";
import type { UnknownProperties } from "@/lib/schema/unknown-properties";
import { requestOrigin } from "@/server/http/request-origin";
import { requirePagePrincipal } from "@/server/http/page-auth";
import { getAppContext } from "@/server/http/app-context";
import { findPipeline } from "./find-pipeline";
import styles from "./pipeline.module.css";

type Params = Promise<{ name: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** A closed root under the pipeline's unknownProperties choice (pipeline.json). */
const CLOSED_SENTENCES: Record<UnknownProperties, string> = {
  reject: "No other top-level properties are allowed.",
  warn: "Other top-level properties are accepted with a warning (a likely typo of a field is an error).",
  ignore: "Other top-level properties are accepted and ignored.",
};

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: (await params).name };
}

function formatSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return [h ? `${h} h` : "", m ? `${m} min` : "", s || total === 0 ? `${s} s` : ""]
    .filter(Boolean)
    .join(" ");
}

/** One pipeline version: what it does, its config fields, an example, curl, the template. */
export default async function PipelinePage(props: { params: Params; searchParams: SearchParams }) {
  const { name } = await props.params;
  const asked = (await props.searchParams).version;
  const requested = Array.isArray(asked) ? asked[0] : asked;
  const self = `/pipelines/${encodeURIComponent(name)}`;
  const principal = await requirePagePrincipal(
    requested ? `${self}?version=${encodeURIComponent(requested)}` : self,
  );
  const found = await findPipeline(getAppContext(), name, requested);
  if (found.kind === "no-pipeline") notFound();
  if (found.kind === "no-version") {
    const other = found.pipeline;
    return (
      <main>
        <p className={styles.crumbs}>
          <Link href="/pipelines">Pipelines</Link> / {other.name}
        </p>
        <h1>{other.title}</h1>
        <div className={`alert alert-error ${styles.missing}`} role="alert">
          <p>
            <code>{other.name}</code> has no version <code>{requested}</code>. Pick one of these:
          </p>
          <VersionLinks
            name={other.name}
            versions={other.versions}
            latest={other.latest}
            label={`Versions of ${other.name}`}
          />
        </div>
      </main>
    );
  }

  const pipeline = found.pipeline;
  const ref = `${pipeline.name}@${pipeline.version}`;
  const fields = schemaFields(pipeline.schema, pipeline.unknownProperties);
  // nf-schema's `hidden` fields (and what they hold) fold under "Advanced".
  const advanced = fields.filter((f) => f.hidden);
  const overview = schemaOverview(pipeline.schema);
  const nested = fields.some((f) => f.path.includes("[]."));
  const updatedAt = pipeline.versions.find((v) => v.version === pipeline.version)?.updatedAt;
  const retries = pipeline.maxAttempts - 1;
  return (
    <main>
      <p className={styles.crumbs}>
        <Link href="/pipelines">Pipelines</Link> / {pipeline.name}
      </p>
      <div className="page-header">
        <div>
          <h1>{pipeline.title}</h1>
          <p className={styles.ref}>
            <code>{ref}</code>
            {pipeline.version === pipeline.latest ? (
              <span className="tag-latest">latest</span>
            ) : null}
            {pipeline.isDev ? <span className="tag-dev">development version</span> : null}
          </p>
        </div>
        {canSubmit(principal.role) ? (
          <Link
            href={`/new?pipeline=${encodeURIComponent(pipeline.name)}@${encodeURIComponent(pipeline.version)}`}
            className="btn btn-primary"
          >
            Start a run
          </Link>
        ) : (
          <p className="muted">Your role ({principal.role}) can look but not start runs.</p>
        )}
      </div>
      <p className={styles.description}>{pipeline.description}</p>

      <dl className={`card ${styles.facts}`}>
        <div>
          <dt>Version</dt>
          <dd>
            <VersionLinks
              name={pipeline.name}
              versions={pipeline.versions}
              latest={pipeline.latest}
              current={pipeline.version}
              label={`Versions of ${pipeline.name}`}
            />
          </dd>
        </div>
        <div>
          <dt>Timeout</dt>
          <dd>{formatSeconds(pipeline.timeoutSeconds)}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd title="A platform error (lost worker, could not start) is retried; a failure of the pipeline itself is not.">
            {pipeline.maxAttempts}{" "}
            <span className="muted">
              {retries > 0
                ? `(${retries} ${retries === 1 ? "retry" : "retries"} after a platform error)`
                : "(no retry)"}
            </span>
          </dd>
        </div>
        <div>
          <dt>Registered</dt>
          <dd>
            <RelativeTime iso={updatedAt ?? null} />
          </dd>
        </div>
      </dl>

      <section aria-labelledby="fields">
        <h2 id="fields">Config fields</h2>
        <p className="muted">
          {overview.description ? `${overview.description} ` : ""}
          {fields.length} field{fields.length === 1 ? "" : "s"}
          {nested ? (
            <>
              ; a required field of a list&apos;s items (<code>list[].field</code>) must be present
              in every item.
            </>
          ) : (
            "."
          )}
          {overview.closed ? ` ${CLOSED_SENTENCES[pipeline.unknownProperties]}` : ""}
        </p>
        {fields.length > 0 ? (
          <div className="card table-box">
            <SchemaTable
              fields={fields.filter((f) => !f.hidden)}
              caption={`Config fields of ${ref}`}
            />
          </div>
        ) : (
          <p className="card">This schema declares no fields: any JSON object is accepted.</p>
        )}
        {advanced.length > 0 ? (
          <details className="card table-box">
            <summary>
              Advanced: {advanced.length} hidden field{advanced.length === 1 ? "" : "s"}, rarely
              changed
            </summary>
            <SchemaTable fields={advanced} caption={`Advanced config fields of ${ref}`} />
          </details>
        ) : null}
      </section>

      <section aria-labelledby="example">
        <h2 id="example">Example config</h2>
        <CodeBlock code={JSON.stringify(pipeline.example, null, 2)} label="example config" />
      </section>

      <section aria-labelledby="curl">
        <h2 id="curl">Submit with curl</h2>
        <SubmitSnippets
          origin={await requestOrigin()}
          refName={ref}
          example={pipeline.example}
          allowsPipelineKey={overview.properties.includes("pipeline") || !overview.closed}
        />
      </section>

      <section aria-labelledby="template">
        <h2 id="template">Spreadsheet template</h2>
        <SpreadsheetTemplate
          name={pipeline.name}
          version={pipeline.version}
          origin={await requestOrigin()}
        />
      </section>
    </main>
  );
}
