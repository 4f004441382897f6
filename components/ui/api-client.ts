/**
 * The portal pages' calls to the REST API. The session cookie authenticates them and the
 * browser adds the Origin header the API's CSRF check needs. Errors arrive as
 * problem+json and are thrown as ApiProblem, so forms can show each at its field.
 */

export interface FieldProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail);
    this.name = "ApiProblem";
  }

  /** The message for one field (by JSON Pointer), e.g. "/name". */
  at(path: string): string | undefined {
    return this.errors.find((e) => e.path === path)?.message;
  }

  /** The problems at a field (`/cron`) or under it (`/config/...`). */
  under(path: string): FieldProblem[] {
    return this.errors.filter((e) => e.path === path || e.path.startsWith(`${path}/`));
  }
}

async function problemOf(response: Response): Promise<ApiProblem> {
  if (response.status === 401) {
    return new ApiProblem(401, "Your session has ended: reload the page and sign in again.");
  }
  try {
    const body = (await response.json()) as { detail?: string; errors?: FieldProblem[] };
    return new ApiProblem(
      response.status,
      body.detail ?? `The server answered ${response.status}`,
      body.errors ?? [],
    );
  } catch {
    return new ApiProblem(response.status, `The server answered ${response.status}`);
  }
}

/** Calls the API with an optional JSON body given as text (kept exactly as typed). */
export async function callApiText<T>(
  method: string,
  path: string,
  bodyText?: string,
): Promise<T | null> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      cache: "no-store",
      headers: bodyText === undefined ? {} : { "Content-Type": "application/json" },
      ...(bodyText === undefined ? {} : { body: bodyText }),
    });
  } catch {
    throw new ApiProblem(0, "The server could not be reached: check the connection and try again.");
  }
  if (!response.ok) throw await problemOf(response);
  return response.status === 204 ? null : ((await response.json()) as T);
}

/** Calls the API with an optional JSON body; resolves to the JSON answer (null for 204). */
export function callApi<T>(method: string, path: string, body?: unknown): Promise<T | null> {
  return callApiText<T>(method, path, body === undefined ? undefined : JSON.stringify(body));
}

/** The message to show for any error thrown by callApi. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong; try again.";
}
