import Link from "next/link";

/** An unknown pipeline name: say so and lead back to the list. */
export default function PipelineNotFound() {
  return (
    <main>
      <h1>No such pipeline</h1>
      <div className="alert alert-error" role="alert">
        There is no pipeline by that name. <Link href="/pipelines">See all pipelines</Link>.
      </div>
    </main>
  );
}
