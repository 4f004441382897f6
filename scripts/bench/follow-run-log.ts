export interface FollowHandlers {
  /** Called once, on the first event: the server follows the run from then on. */
  onOpen: () => Promise<void>;
  /**
   * The text of each `log` event, with the time (Date.now()) its last bytes arrived and
   * the cursor after it (the event's id: the log's bytes received so far).
   */
  onText: (text: string, at: number, cursor: number) => void;
}

/**
 * Follows GET /api/v1/runs/{id}/logs as Server-Sent Events (server/runs/stream-run-log.ts)
 * from byte 0 until its `end` event, as a browser's EventSource would.
 */
export async function followRunLog(
  baseUrl: string,
  auth: string,
  runId: string,
  handlers: FollowHandlers,
): Promise<void> {
  const response = await fetch(`${baseUrl}/api/v1/runs/${runId}/logs`, {
    headers: { Authorization: auth, Accept: "text/event-stream" },
  });
  if (!response.ok || !response.body) {
    throw new Error(`GET logs (event stream): ${response.status} ${await response.text()}`);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  // Where the search for the end of the current frame goes on: a 1 MiB event arrives in
  // many reads, and searching it from its start on each one would slow this reader down.
  let scanned = 0;
  let opened = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error("the event stream closed before its end event");
    // When the bytes reach this reader, before it parses them.
    const at = Date.now();
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf("\n\n", scanned); end >= 0; end = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      const id = /^id: (.*)$/m.exec(frame)?.[1];
      if (!opened && event) {
        opened = true;
        await handlers.onOpen();
      }
      if (event === "log")
        handlers.onText((JSON.parse(data!) as { text: string }).text, at, Number(id));
      else if (event === "end") {
        await reader.cancel();
        return;
      } else if (event === "problem") throw new Error(`the event stream says: ${data}`);
    }
    scanned = Math.max(0, buffer.length - 1);
  }
}
