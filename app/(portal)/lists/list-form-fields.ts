import type { ApiProblem } from "@/components/ui/api-client";
import type { ListView, TCreateListRequest, TListFormat, TListSource } from "@/lib/contract/lists";

export type SourceKind = TListSource["kind"];
export type FormatName = TListFormat["format"];

/** What the list form holds, as typed (strings; the body is built from it on submit). */
export interface ListFormFields {
  name: string;
  description: string;
  kind: SourceKind;
  path: string;
  url: string;
  /** One argument per line: no quoting to get wrong, and an argument may hold spaces. */
  argv: string;
  perUser: boolean;
  format: FormatName;
  valueColumn: string;
  labelColumn: string;
  header: boolean;
  items: string;
  valuePointer: string;
  labelPointer: string;
  cron: string;
  timeZone: string;
}

export const EMPTY_LIST_FORM: ListFormFields = {
  name: "",
  description: "",
  kind: "file",
  path: "",
  url: "",
  argv: "",
  perUser: false,
  format: "csv",
  valueColumn: "",
  labelColumn: "",
  header: true,
  items: "",
  valuePointer: "",
  labelPointer: "",
  cron: "0 * * * *",
  timeZone: "UTC",
};

/** A CSV/TSV column as the API takes it: digits are an index from 0, anything else a header name. */
function column(text: string): string | number {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function parseOf(fields: ListFormFields): TListFormat {
  switch (fields.format) {
    case "csv":
    case "tsv":
      return {
        format: fields.format,
        valueColumn: column(fields.valueColumn),
        ...(fields.labelColumn.trim() ? { labelColumn: column(fields.labelColumn) } : {}),
        header: fields.header,
      };
    case "json":
      return {
        format: "json",
        items: fields.items.trim(),
        valuePointer: fields.valuePointer.trim(),
        ...(fields.labelPointer.trim() ? { labelPointer: fields.labelPointer.trim() } : {}),
      };
    case "lines":
      return { format: "lines" };
  }
}

function sourceOf(fields: ListFormFields): TListSource {
  const parse = parseOf(fields);
  switch (fields.kind) {
    case "file":
      return { kind: "file", path: fields.path.trim(), parse };
    case "url":
      return { kind: "url", url: fields.url.trim(), parse };
    case "command":
      return { kind: "command", argv: fields.argv.split("\n").filter((a) => a !== ""), parse };
  }
}

/** The body of POST /api/v1/lists (PATCH takes the same without the name). */
export function listRequestOf(fields: ListFormFields): TCreateListRequest {
  return {
    name: fields.name.trim(),
    description: fields.description.trim(),
    source: sourceOf(fields),
    cron: fields.cron.trim(),
    timeZone: fields.timeZone.trim(),
    perUser: fields.kind === "command" && fields.perUser,
  };
}

/** The form filled in with a list as it is, to edit it. */
export function formFieldsOf(list: ListView): ListFormFields {
  const { source } = list;
  const parse = source.parse;
  return {
    ...EMPTY_LIST_FORM,
    name: list.name,
    description: list.description,
    kind: source.kind,
    path: source.kind === "file" ? source.path : "",
    url: source.kind === "url" ? source.url : "",
    argv: source.kind === "command" ? source.argv.join("\n") : "",
    perUser: list.perUser,
    format: parse.format,
    valueColumn: "valueColumn" in parse ? String(parse.valueColumn) : "",
    labelColumn: "labelColumn" in parse ? String(parse.labelColumn ?? "") : "",
    header: "header" in parse ? parse.header : true,
    items: "items" in parse ? parse.items : "",
    valuePointer: "valuePointer" in parse ? parse.valuePointer : "",
    labelPointer: "labelPointer" in parse ? (parse.labelPointer ?? "") : "",
    cron: list.cron,
    timeZone: list.timeZone,
  };
}

/** The form's fields a problem's JSON Pointer is shown at. */
const FIELD_OF: [RegExp, keyof ListFormFields][] = [
  [/^\/name/, "name"],
  [/^\/description/, "description"],
  [/^\/source\/path/, "path"],
  [/^\/source\/url/, "url"],
  [/^\/source\/argv/, "argv"],
  [/^\/source\/parse\/valueColumn/, "valueColumn"],
  [/^\/source\/parse\/labelColumn/, "labelColumn"],
  [/^\/source\/parse\/items/, "items"],
  [/^\/source\/parse\/valuePointer/, "valuePointer"],
  [/^\/source\/parse\/labelPointer/, "labelPointer"],
  [/^\/cron/, "cron"],
  [/^\/timeZone/, "timeZone"],
  [/^\/perUser/, "perUser"],
];

export type ListFormProblems = Partial<Record<keyof ListFormFields | "other", string>>;

/** A refusal's problems by form field; the rest (and the detail when none fit) as `other`. */
export function problemsOf(problem: ApiProblem | Error): ListFormProblems {
  const problems: ListFormProblems = {};
  const errors = "errors" in problem ? problem.errors : [];
  const rest: string[] = [];
  for (const error of errors) {
    const field = FIELD_OF.find(([pattern]) => pattern.test(error.path))?.[1];
    if (field && !problems[field]) problems[field] = error.message;
    else if (!field) rest.push(`${error.path || "/"} ${error.message}`);
  }
  if (rest.length > 0 || Object.keys(problems).length === 0) {
    problems.other = rest.length > 0 ? rest.join("; ") : problem.message;
  }
  return problems;
}
