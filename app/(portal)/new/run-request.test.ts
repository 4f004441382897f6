import { describe, expect, it } from "vitest";
import { buildRunRequest, toEditorProblems } from "./run-request";

describe("the new-run request", () => {
  it("puts the config's own text in the envelope", () => {
    const request = buildRunRequest("hello@1.0.0", "my run", '{ "name" : "x" }');
    expect(request?.body).toBe(
      '{"pipeline":"hello@1.0.0","name":"my run","config":{ "name" : "x" }}',
    );
    expect(JSON.parse(request!.body)).toEqual({
      pipeline: "hello@1.0.0",
      name: "my run",
      config: { name: "x" },
    });
  });

  it.each(['{"a":1}, "hold": true', '{"a":1}} , {"x": 1', "[1]", "42", "", '{"a": 1'])(
    "refuses %j, which is not one JSON object",
    (text) => expect(buildRunRequest("hello", "", text)).toBeNull(),
  );

  it("maps server positions back to the editor", () => {
    const { prefix } = buildRunRequest("hello", "", '{"name": 1}')!;
    expect(
      toEditorProblems(
        [{ path: "/config/name", message: "m", line: 1, column: prefix + 10 }],
        prefix,
      ),
    ).toEqual([{ path: "/name", message: "m", line: 1, column: 10 }]);
    expect(
      toEditorProblems([{ path: "/config/a", message: "m", line: 3, column: 5 }], prefix)[0],
    ).toMatchObject({ line: 3, column: 5 });
    expect(
      toEditorProblems([{ path: "/name", message: "m", line: 1, column: 2 }], prefix)[0],
    ).toEqual({ path: "/name", message: "m" });
  });
});
