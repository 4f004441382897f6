// Next.js calls register() once when the web server starts: migrate and register
// pipelines before the first request (the worker and beat do the same; a MySQL lock
// makes one of them do the work).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareWeb } = await import("./server/setup/prepare-web");
  await prepareWeb();
}
