import Link from "next/link";

export default function HomePage() {
  return (
    <main>
      <h1>Runport</h1>
      <p>
        Submit pipeline runs, validated against each pipeline&apos;s schema before anything is
        queued.
      </p>
      <h2>Submit with curl</h2>
      <pre>
        {`curl --request POST --user USER:TOKEN \\
  --header "Content-type: application/json" \\
  -d @example.json http://localhost:3000/api/v1/new-run/`}
      </pre>
      <ul>
        <li>
          <Link href="/apidocs">API documentation</Link> (
          <a href="/api/openapi.json">OpenAPI document</a>)
        </li>
        <li>
          <a href="/api/health">Health</a>
        </li>
      </ul>
    </main>
  );
}
