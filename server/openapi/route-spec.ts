/**
 * The shape of one row of the route table (./routes.ts) and the helpers its rows share.
 * A row says what the OpenAPI document says about one method of one path; the bodies
 * are zod schemas from lib/contract (or the service that owns them), never JSON Schema
 * written by hand, except for the few bodies that are not JSON (files, text, streams).
 */
import type { z } from "zod";
import { ZProblem } from "@/lib/contract/problem";

/** A JSON Schema written out, for the bodies zod does not describe (files, text). */
export type JsonSchema = Record<string, unknown>;

export interface HeaderSpec {
  description?: string;
  /** Whether every response of that status carries it (the contract test checks). */
  required?: boolean;
  schema: JsonSchema;
}

export interface ResponseSpec {
  description: string;
  /** A JSON body: a component schema, or several that it may be (anyOf). */
  json?: z.ZodType | z.ZodType[];
  /** The media type of `json` (default application/json). */
  jsonType?: string;
  /** Bodies that are not JSON, by media type. */
  content?: Record<string, { schema: JsonSchema }>;
  headers?: Record<string, HeaderSpec>;
}

export interface RouteSpec {
  method: "get" | "post" | "patch" | "delete";
  /** The path as OpenAPI writes it: /api/v1/runs/{id}. */
  path: string;
  tag:
    | "runs"
    | "pipelines"
    | "schedules"
    | "lists"
    | "events"
    | "account"
    | "users"
    | "system"
    | "ga4gh-wes";
  /** `wes`: errors are GA4GH WES ErrorResponse `{msg, status_code}`, not problem+json. */
  errors?: "wes";
  summary: string;
  description?: string;
  /** No authentication (health, the document itself). */
  public?: true;
  /** Path, query and header parameters, each an object schema (descriptions from .meta()). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: {
    json?: z.ZodType;
    /** Bodies besides JSON (spreadsheets), by media type. */
    content?: Record<string, { schema: JsonSchema | z.ZodType; description?: string }>;
  };
  responses: Record<string, ResponseSpec>;
}

/** An error answer: every error of the API is problem+json. */
export const problem = (
  description: string,
  headers?: Record<string, HeaderSpec>,
): ResponseSpec => ({
  description,
  json: ZProblem,
  jsonType: "application/problem+json",
  ...(headers ? { headers } : {}),
});

/** A JSON answer. */
export const answer = (
  description: string,
  json: z.ZodType | z.ZodType[],
  headers?: Record<string, HeaderSpec>,
): ResponseSpec => ({ description, json, ...(headers ? { headers } : {}) });

/** 401 as every authenticated route answers it (the document adds it to each). */
export const unauthorized = problem(
  "No or wrong credentials. Carries `WWW-Authenticate: Basic` except for requests a browser made (`Sec-Fetch-*`), so that a browser never shows a Basic prompt and caches what is typed into it",
  { "WWW-Authenticate": { required: false, schema: { type: "string" } } },
);

/** 303 of every authenticated GET (the document adds it to each). */
export const toSignIn: ResponseSpec = {
  description:
    "A browser loading this URL as a page without credentials: sent to the sign-in page, which comes back here",
  headers: { Location: { required: true, schema: { type: "string" } } },
};

/** 403 of every authenticated unsafe method (the document adds it where a route does not say more). */
export const crossSite = problem(
  "A browser's cross-site request (Sec-Fetch-Site cross-site or same-site, or another Origin), whatever the credentials",
);

/**
 * 429 as every authenticated route may answer it: HTTP Basic with a password is accepted
 * everywhere, and a password is refused unchecked after too many failures.
 */
export const tooManyAttempts = problem(
  "Too many wrong passwords from this address or for this name: the password was not checked. Retry after `Retry-After` seconds, or use an API token",
  {
    "Retry-After": {
      required: true,
      description: "Seconds to wait",
      schema: { type: "integer" },
    },
  },
);

/**
 * 503 as every authenticated route answers it (the document adds it to each): MySQL or
 * Redis does not answer (server/errors.ts isUnavailable), or (submissions) every CPU thread
 * is busy and its queue full (server/cpu/). Nothing to fix in the request.
 */
export const unavailable = problem(
  "MySQL or Redis does not answer at the moment, or the server is busy reading other large uploads (`code: SERVICE_UNAVAILABLE`); send the request again after `Retry-After` seconds",
  { "Retry-After": { required: true, schema: { type: "string", pattern: "^[0-9]+$" } } },
);

/** The Location header of a 201. */
export const location = {
  Location: {
    description: "The new resource's URL path",
    required: true,
    schema: { type: "string" },
  },
} satisfies Record<string, HeaderSpec>;

export const binary = { type: "string", format: "binary" } as const;
