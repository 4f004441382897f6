import { describe, expect, it } from "vitest";
import { ApiProblem } from "@/components/ui/api-client";
import type { ListView } from "@/lib/contract/lists";
import { EMPTY_LIST_FORM, formFieldsOf, listRequestOf, problemsOf } from "./list-form-fields";

describe("the list form's body", () => {
  it("reads digits as a column index, an argv one argument per line, and drops empty options", () => {
    expect(
      listRequestOf({ ...EMPTY_LIST_FORM, name: " a ", path: "/x.csv", valueColumn: "0" }).source,
    ).toEqual({
      kind: "file",
      path: "/x.csv",
      parse: { format: "csv", valueColumn: 0, header: true },
    });
    const command = listRequestOf({
      ...EMPTY_LIST_FORM,
      kind: "command",
      argv: "sacctmgr\n-nP\nshow assoc user={username}\n",
      perUser: true,
      format: "lines",
    });
    expect(command.source).toEqual({
      kind: "command",
      argv: ["sacctmgr", "-nP", "show assoc user={username}"],
      parse: { format: "lines" },
    });
    expect(command.perUser).toBe(true);
    // Per user only means something for a command; a hidden checkbox does not count.
    expect(listRequestOf({ ...EMPTY_LIST_FORM, perUser: true }).perUser).toBe(false);
  });

  it("fills the form from a list so that saving it unchanged sends the same source", () => {
    const source = {
      kind: "url" as const,
      url: "https://lims.example.org/p.json",
      parse: { format: "json" as const, items: "/items", valuePointer: "/id", labelPointer: "/t" },
    };
    const list = {
      name: "p",
      description: "d",
      source,
      cron: "5 * * * *",
      timeZone: "UTC",
      perUser: false,
    };
    expect(listRequestOf(formFieldsOf(list as ListView))).toEqual({ ...list, source });
  });

  it("shows each problem at its field and the others together", () => {
    const problem = new ApiProblem(422, "The list is not valid", [
      { path: "/source/url", message: "names the host x, which is not in LIST_URL_HOSTS" },
      { path: "/source/kind", message: "is odd" },
    ]);
    expect(problemsOf(problem)).toEqual({
      url: "names the host x, which is not in LIST_URL_HOSTS",
      other: "/source/kind is odd",
    });
    expect(problemsOf(new ApiProblem(409, "A list named p exists already"))).toEqual({
      other: "A list named p exists already",
    });
  });
});
