import { describe, expect, it } from "vitest";
import { compileSchema, validateWith } from "./validate-config";

const schema = {
  type: "object",
  additionalProperties: false,
  required: ["project", "dataFiles"],
  properties: {
    project: { type: "string", minLength: 1 },
    email: { type: "string", format: "email" },
    threads: { type: "integer", minimum: 1, maximum: 64 },
    dataFiles: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["fastqPath"],
        properties: { fastqPath: { type: "string" }, fastqCode: { enum: ["R1", "R2"] } },
      },
    },
  },
};

describe("validateWith", () => {
  const validate = compileSchema(schema);

  it("accepts a valid config", () => {
    expect(validateWith(validate, { project: "p", dataFiles: [{ fastqPath: "a.fq" }] })).toEqual(
      [],
    );
  });

  it("says what is wrong, where, in words a person can act on", () => {
    const problems = validateWith(validate, {
      project: "",
      emial: "x",
      email: "not-an-email",
      threads: 0,
      dataFiles: [{ fastqCode: "R3" }],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "/project", message: "must not be empty" },
        {
          path: "/emial",
          message: 'is not an allowed property; did you mean "email"?',
          atKey: true,
        },
        { path: "/email", message: "must be a valid email" },
        { path: "/threads", message: "must be >= 1" },
        { path: "/dataFiles/0/fastqPath", message: "is required" },
        { path: "/dataFiles/0/fastqCode", message: 'must be one of "R1", "R2"' },
      ]),
    );
  });

  it("names the type it got", () => {
    expect(validateWith(validate, { project: 3, dataFiles: "x" })).toEqual(
      expect.arrayContaining([
        { path: "/project", message: "must be a string, not an integer" },
        { path: "/dataFiles", message: "must be an array, not a string" },
      ]),
    );
  });

  it("supports draft-07 schemas too", () => {
    const v = compileSchema({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      required: ["a"],
    });
    expect(validateWith(v, {})).toEqual([{ path: "/a", message: "is required" }]);
  });
});
