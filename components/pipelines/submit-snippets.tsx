import Link from "next/link";
import { CodeBlock } from "./code-block";

const CURL = 'curl --request POST --user USER:TOKEN --header "Content-type: application/json"';

/**
 * The old portal's body: the config itself, naming its pipeline in `pipeline`. Returns
 * null when the example is not an object or the schema does not allow that key.
 */
export function legacyBody(example: unknown, ref: string, allowsPipelineKey: boolean) {
  if (!allowsPipelineKey || typeof example !== "object" || example === null) return null;
  if (Array.isArray(example)) return null;
  const { pipeline: _ignored, ...rest } = example as Record<string, unknown>;
  return { pipeline: ref, ...rest };
}

/** How to submit this version with curl: the old portal's endpoint and the envelope form. */
export function SubmitSnippets({
  origin,
  refName,
  example,
  allowsPipelineKey,
}: {
  origin: string;
  /** `name@version`. */
  refName: string;
  example: unknown;
  allowsPipelineKey: boolean;
}) {
  const legacy = legacyBody(example, refName, allowsPipelineKey);
  const legacyText = legacy ? JSON.stringify(legacy, null, 2) : null;
  const sameAsExample = legacyText === JSON.stringify(example, null, 2);
  const envelope = JSON.stringify({ pipeline: refName, config: example }, null, 2);
  return (
    <>
      <p>
        Replace <code>USER</code> with your user name and <code>TOKEN</code> with an API token from
        your <Link href="/account">account page</Link> (a password works too, but tokens are faster
        and can be revoked). Add <code>?dryRun=true</code> to the URL to validate without starting a
        run.
      </p>
      <h3>Old portal form: the body is the config</h3>
      {legacyText ? (
        <>
          <p className="muted">
            The config names its pipeline in its top-level <code>pipeline</code> key (and{" "}
            <code>project</code>, when there is one, becomes the run name).{" "}
            {sameAsExample ? (
              <>
                The example above already does: save it as <code>example.json</code>.
              </>
            ) : (
              <>
                Save this, the example with its <code>pipeline</code>, as <code>example.json</code>:
              </>
            )}
          </p>
          {sameAsExample ? null : <CodeBlock code={legacyText} label="example.json" />}
          <CodeBlock
            code={`${CURL} -d @example.json ${origin}/api/v1/new-run/`}
            label="curl command for the old portal form"
            wrap
          />
        </>
      ) : (
        <p className="muted">
          This pipeline&apos;s schema does not allow a top-level <code>pipeline</code> key, so the
          old endpoint cannot name it: use the form below.
        </p>
      )}
      <h3>Envelope form: pipeline and config side by side</h3>
      <CodeBlock
        code={`${CURL} \\\n  -d @- ${origin}/api/v1/runs <<'EOF'\n${envelope}\nEOF`}
        label="curl command for the envelope form"
        wrap
      />
    </>
  );
}
