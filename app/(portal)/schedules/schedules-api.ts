/**
 * The schedules page's calls to the REST API (the session cookie authenticates them;
 * the browser adds the Origin header the API's CSRF check needs). Problems arrive as
 * problem+json and are thrown as ScheduleProblem, so the form can show each at its field.
 */

export interface FieldProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export class ScheduleProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(detail);
    this.name = "ScheduleProblem";
  }

  /** The problems at a field (`/cron`) or under it (`/config/...`). */
  under(path: string): FieldProblem[] {
    return this.errors.filter((e) => e.path === path || e.path.startsWith(`${path}/`));
  }
}

/** Calls the API with a JSON body given as text; resolves to the JSON answer (null for 204). */
export async function callSchedulesApi<T>(
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
    throw new ScheduleProblem(0, "The server could not be reached: check the connection.");
  }
  if (response.status === 401) {
    throw new ScheduleProblem(401, "Your session has ended: reload the page and sign in again.");
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as {
      detail?: string;
      errors?: FieldProblem[];
    };
    throw new ScheduleProblem(
      response.status,
      problem.detail ?? `The server answered ${response.status}`,
      problem.errors ?? [],
    );
  }
  return response.status === 204 ? null : ((await response.json()) as T);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong; try again.";
}
