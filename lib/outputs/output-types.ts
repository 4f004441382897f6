/** The shapes of the outputs API, shared by the server and the run page. */

/** A file an attempt left in its outputs folder, as GET /api/v1/runs/{id}/outputs lists it. */
export interface OutputView {
  id: number;
  attempt: number;
  /** Relative to the outputs folder, `/`-separated. */
  path: string;
  size: number;
  sha256: string;
  /** Whether the content was kept (false: over the store limits; metadata only). */
  stored: boolean;
  createdAt: string;
  /** The download URL (absolute path), or null when the content was not stored. */
  download: string | null;
}

export interface OutputList {
  items: OutputView[];
}
