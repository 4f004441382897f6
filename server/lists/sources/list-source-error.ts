/** A source that could not be read: the message is shown to admins as the list's last_error. */
export class ListSourceError extends Error {
  override name = "ListSourceError";
}
