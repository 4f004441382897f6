/**
 * The account page's calls to the REST API. The session cookie authenticates them and
 * the browser adds the Origin header the API's CSRF check needs. Errors arrive as
 * problem+json and are thrown as ApiProblem, so forms can show each at its field.
 */

export interface FieldProblem {
  path: string;
  message: string;
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

/** Calls the API with an optional JSON body; resolves to the JSON answer (null for 204). */
export async function callApi<T>(method: string, path: string, body?: unknown): Promise<T | null> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      cache: "no-store",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiProblem(0, "The server could not be reached: check the connection and try again.");
  }
  if (!response.ok) throw await problemOf(response);
  return response.status === 204 ? null : ((await response.json()) as T);
}

/** The message to show for any error thrown by callApi. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong; try again.";
}
