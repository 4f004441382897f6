// @vitest-environment happy-dom
import { readFileSync } from "node:fs";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { canShowAsGrid } from "./grid-values";
import { SchemaForm, type SchemaFormProps } from "./schema-form";
import { schemaToFields } from "./schema-to-fields";

const schema = JSON.parse(readFileSync("pipelines/fastq-qc/schema.json", "utf8")) as Record<
  string,
  unknown
>;
const example = JSON.parse(readFileSync("pipelines/fastq-qc/example.json", "utf8")) as Record<
  string,
  unknown
>;
const groups = schemaToFields(schema, { canShowAsGrid });

function mount(extra: Partial<SchemaFormProps> = {}) {
  const sets: [readonly string[], unknown][] = [];
  const jumps: string[] = [];
  const props: SchemaFormProps = {
    groups,
    config: example,
    parseError: null,
    errors: new Map(),
    onSet: (path, value) => sets.push([path, value]),
    onGrid: () => {},
    onEditInJson: (pointer) => jumps.push(pointer),
    idPrefix: "f",
    ...extra,
  };
  render(createElement(SchemaForm, props));
  return { sets, jumps };
}

afterEach(cleanup);

describe("the schema form", () => {
  it("labels every field, marks required ones, and describes them with their help", () => {
    mount();
    const project = screen.getByLabelText<HTMLInputElement>(/^Project/);
    expect(project.value).toBe("demo-qc");
    expect(project.getAttribute("aria-required")).toBe("true");
    const help = document.getElementById(project.getAttribute("aria-describedby")!);
    expect(help?.textContent).toMatch(/^Project name/);
    expect(screen.getByLabelText(/^Description/).tagName).toBe("TEXTAREA");
    expect(screen.getByRole("switch", { name: /CRAM output/ }).getAttribute("aria-checked")).toBe(
      "false",
    );
    expect(screen.getByRole("combobox", { name: /HPC account/ })).toBeTruthy();
    expect(screen.getByRole("grid", { name: "Data files" })).toBeTruthy();
  });

  it("writes typed values with their type, and removes an emptied one", () => {
    const { sets } = mount();
    fireEvent.change(screen.getByLabelText(/^Minimum base quality/), { target: { value: "30" } });
    fireEvent.change(screen.getByLabelText(/^Minimum base quality/), { target: { value: "3x" } });
    fireEvent.change(screen.getByLabelText(/^Study( \*)?$/), { target: { value: "" } });
    fireEvent.click(screen.getByRole("switch", { name: /Hold/ }));
    expect(sets).toEqual([
      [["minQuality"], 30],
      [["minQuality"], "3x"],
      [["study"], undefined],
      [["holdConfig"], true],
    ]);
  });

  it("shows the validator's problem at its field, and sends JSON-only values to the JSON tab", () => {
    const { jumps } = mount({ errors: new Map([["/email", "must be a valid email"]]) });
    const email = screen.getByLabelText(/^Contact e-mail/);
    expect(email.getAttribute("aria-invalid")).toBe("true");
    const ids = email.getAttribute("aria-describedby")!.split(" ");
    expect(ids.map((id) => document.getElementById(id)?.textContent)).toContain(
      "must be a valid email",
    );
    fireEvent.click(screen.getByRole("button", { name: "Edit Tasks in JSON" }));
    expect(jumps).toEqual(["/tasks"]);
  });

  it("points to the JSON tab when the text is not JSON", () => {
    const { jumps } = mount({ config: null, parseError: "Unexpected end (line 3, column 1)." });
    expect(screen.getByRole("alert").textContent).toMatch(/cannot read the config/);
    fireEvent.click(screen.getByRole("button", { name: "Fix it in JSON" }));
    expect(jumps).toEqual([""]);
  });
});
