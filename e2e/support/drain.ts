/**
 * Drains the one live worker through the API (as the operations page's button does) and
 * waits until its supervisor (PM2, supervisord) has started a fresh one: a worker with
 * another id in the operations view, the drained one gone.
 */
export async function drainAndAwaitSuccessor(
  base: string,
  authorization: string,
  timeoutMs = 60_000,
): Promise<{ drained: string; successor: string; ms: number }> {
  const workers = async () => {
    const response = await fetch(`${base}/api/v1/operations`, { headers: { authorization } });
    if (!response.ok) throw new Error(`GET /api/v1/operations: ${response.status}`);
    return ((await response.json()) as { workers: { id: string }[] }).workers.map((w) => w.id);
  };
  const [drained] = await workers();
  if (!drained) throw new Error("no live worker to drain");
  const started = performance.now();
  const asked = await fetch(
    `${base}/api/v1/operations/workers/${encodeURIComponent(drained)}/drain`,
    { method: "POST", headers: { authorization } },
  );
  if (asked.status !== 202) throw new Error(`drain: ${asked.status} ${await asked.text()}`);
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    const ids = await workers();
    const successor = ids.find((id) => id !== drained);
    if (successor && !ids.includes(drained))
      return { drained, successor, ms: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no worker took ${drained}'s place within ${timeoutMs} ms`);
}
