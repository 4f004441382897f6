/**
 * Bytes as a CPU task takes them, with the buffer a thread may take over: bytes in an
 * ArrayBuffer of their own (readBody's are; a view into a larger buffer, such as Node's
 * pool for small Buffers, is copied first, so that moving it never empties another's
 * bytes). Text is copied, as any string is.
 */
export function movable(body: Uint8Array | string): {
  body: Uint8Array | string;
  transfer: ArrayBuffer[];
} {
  if (typeof body === "string") return { body, transfer: [] };
  const own =
    body.buffer instanceof ArrayBuffer &&
    body.byteOffset === 0 &&
    body.byteLength === body.buffer.byteLength;
  const bytes = own ? body : new Uint8Array(body);
  return { body: bytes, transfer: [bytes.buffer as ArrayBuffer] };
}
