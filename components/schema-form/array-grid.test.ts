// @vitest-environment happy-dom
import { readFileSync } from "node:fs";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { createElement, useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ArrayGrid, type ArrayGridProps, type GridChange } from "./array-grid";
import { applyGridChanges } from "./grid-values";

const fastqQc = JSON.parse(readFileSync("pipelines/fastq-qc/schema.json", "utf8")) as {
  properties: { dataFiles: { items: Record<string, unknown> } };
};
const itemSchema = fastqQc.properties.dataFiles.items;

const file = (index: number) => ({
  fastqPath: `data/s${index}_R1.fq.gz`,
  fastqCode: "R1",
  sampleName: `s${index}`,
});

/** The grid inside a parent that applies its changes, as the schema form does. */
function mount(initial: unknown[], extra: Partial<ArrayGridProps> = {}) {
  const calls: GridChange[][] = [];
  let current = initial;
  function Parent() {
    const [value, setValue] = useState<unknown[]>(initial);
    current = value;
    return createElement(ArrayGrid, {
      label: "Data files",
      pointer: "/dataFiles",
      itemSchema,
      value,
      errors: new Map(),
      idPrefix: "df",
      onChange: (changes) => {
        calls.push(changes);
        setValue((before) => applyGridChanges(before, changes));
      },
      ...extra,
    });
  }
  render(createElement(Parent));
  return { calls, value: () => current };
}

const active = () => document.activeElement as HTMLElement;
const press = (key: string, init: Partial<KeyboardEventInit> = {}) =>
  fireEvent.keyDown(active(), { key, ...init });
const focusCell = (pointer: string) => {
  const cell = document.querySelector<HTMLElement>(`[data-pointer="${pointer}"]`)!;
  fireEvent.mouseDown(cell);
  return cell;
};
const clipboardEvent = (type: "paste" | "copy" | "cut", text = "") => {
  const data = new DataTransfer();
  if (text) data.setData("text/plain", text);
  const event = new ClipboardEvent(type, { clipboardData: data, bubbles: true, cancelable: true });
  act(() => {
    active().dispatchEvent(event);
  });
  return data;
};

afterEach(cleanup);

describe("ArrayGrid", () => {
  it("has the grid's ARIA, a header with required marks, and only the rows in view", () => {
    const rows = Array.from({ length: 10_000 }, (_, index) => file(index));
    mount(rows, {
      errors: new Map([
        ["/dataFiles/2/sampleName", "must match pattern"],
        ["/dataFiles/1", "must have required property 'rgsm'"],
      ]),
    });
    const grid = screen.getByRole("grid", { name: "Data files" });
    expect(grid.getAttribute("aria-rowcount")).toBe("10001");
    expect(grid.getAttribute("aria-colcount")).toBe(
      String(Object.keys(itemSchema.properties as object).length + 1),
    );
    expect(grid.dataset.pointer).toBe("/dataFiles");
    const headers = screen.getAllByRole("columnheader");
    expect(headers[1]!.textContent).toBe("FASTQ path*");
    expect(
      headers.find((header) => header.textContent === "Read group platform (PL)"),
    ).toBeDefined();
    expect(screen.getAllByRole("row").length).toBeLessThan(40);
    const bad = document.querySelector<HTMLElement>('[data-pointer="/dataFiles/2/sampleName"]')!;
    expect(bad.getAttribute("role")).toBe("gridcell");
    expect(bad.getAttribute("aria-invalid")).toBe("true");
    expect(bad.title).toBe("must match pattern");
    expect(document.getElementById(bad.getAttribute("aria-describedby")!)!.textContent).toBe(
      "must match pattern",
    );
    const rowHeader = screen.getAllByRole("rowheader")[1]!;
    expect(rowHeader.getAttribute("aria-invalid")).toBe("true");
    expect(rowHeader.title).toContain("required property 'rgsm'");
    expect(document.querySelectorAll('[role="gridcell"][tabindex="0"]').length).toBe(1);
  });

  it("moves with arrows, Home/End and Ctrl+End, keeping one tab stop", () => {
    mount(Array.from({ length: 500 }, (_, index) => file(index)));
    focusCell("/dataFiles/0/fastqPath");
    press("ArrowRight");
    expect(active().dataset.pointer).toBe("/dataFiles/0/fastqCode");
    press("ArrowDown");
    press("PageDown");
    expect(Number(active().dataset.row)).toBeGreaterThan(5);
    press("End");
    expect(active().dataset.pointer).toBe("/dataFiles/" + active().dataset.row + "/umiRead");
    press("End", { ctrlKey: true });
    expect(active().dataset.pointer).toBe("/dataFiles/499/umiRead");
    press("Home", { ctrlKey: true });
    expect(active().dataset.pointer).toBe("/dataFiles/0/fastqPath");
    // A cell focused by a script becomes the grid's focus too.
    const other = document.querySelector<HTMLElement>('[data-pointer="/dataFiles/3/rgsm"]')!;
    act(() => other.focus());
    press("ArrowDown");
    expect(active().dataset.pointer).toBe("/dataFiles/4/rgsm");
    expect(document.querySelectorAll('[role="gridcell"][tabindex="0"]').length).toBe(1);
  });

  it("edits by typing: Enter commits and moves down, Tab right, Escape cancels", () => {
    const grid = mount([file(0), file(1)]);
    focusCell("/dataFiles/0/sampleName");
    press("x");
    expect(active().tagName).toBe("INPUT");
    fireEvent.change(active(), { target: { value: "x1" } });
    press("Enter");
    expect(grid.calls).toEqual([[{ kind: "set", row: 0, column: "sampleName", value: "x1" }]]);
    expect(active().dataset.pointer).toBe("/dataFiles/1/sampleName");
    press("F2");
    expect((active() as HTMLInputElement).value).toBe("s1");
    fireEvent.change(active(), { target: { value: "changed" } });
    press("Escape");
    expect(active().dataset.pointer).toBe("/dataFiles/1/sampleName");
    expect(grid.calls).toHaveLength(1);
    press("Enter");
    fireEvent.change(active(), { target: { value: "s1b" } });
    press("Tab");
    expect(active().dataset.pointer).toBe("/dataFiles/1/rgsm");
    expect(grid.value()[1]).toEqual({ ...file(1), sampleName: "s1b" });
    // Typed text converts per column: an integer column gets a number.
    // A column right of the view: reached with the arrow keys (only columns in view exist).
    expect(document.querySelector('[data-pointer="/dataFiles/0/numberOfReads"]')).toBeNull();
    focusCell("/dataFiles/0/fastqPath");
    for (
      let step = 0;
      step < 40 && active().dataset.pointer !== "/dataFiles/0/numberOfReads";
      step++
    )
      press("ArrowRight");
    expect(active().dataset.pointer).toBe("/dataFiles/0/numberOfReads");
    press("7");
    press("Enter");
    expect(grid.calls.at(-1)).toEqual([{ kind: "set", row: 0, column: "numberOfReads", value: 7 }]);
  });

  it("commits an edit once when a click elsewhere also blurs it, and keeps Tab in the grid at its end", () => {
    const grid = mount([file(0)]);
    focusCell("/dataFiles/0/fastqPath");
    press("x");
    const editor = active();
    fireEvent.mouseDown(document.querySelector('[data-pointer="/dataFiles/0/sampleName"]')!);
    fireEvent.blur(editor);
    expect(grid.calls).toEqual([[{ kind: "set", row: 0, column: "fastqPath", value: "x" }]]);
    press("End");
    press("Enter");
    fireEvent.change(active(), { target: { value: "true" } });
    press("Tab");
    expect(grid.calls.at(-1)).toEqual([{ kind: "set", row: 0, column: "umiRead", value: true }]);
    expect(active().dataset.pointer).toBe("/dataFiles/0/umiRead");
  });

  it("clears the selection with Delete in one change, and copies it as TSV", () => {
    const grid = mount([file(0), { ...file(1), fastqPath: 'a "quoted"\tpath' }]);
    focusCell("/dataFiles/0/fastqPath");
    press("ArrowDown", { shiftKey: true });
    press("ArrowRight", { shiftKey: true });
    const copied = clipboardEvent("copy");
    expect(copied.getData("text/plain")).toBe('data/s0_R1.fq.gz\tR1\r\n"a ""quoted""\tpath"\tR1');
    press("Delete");
    // Ctrl+X: copied, then emptied in one change.
    press("ArrowRight");
    expect(clipboardEvent("cut").getData("text/plain")).toBe("s1");
    expect(grid.calls.at(-1)).toEqual([
      { kind: "set", row: 1, column: "sampleName", value: undefined },
    ]);
    expect(grid.calls.slice(0, 1)).toEqual([
      [
        { kind: "set", row: 0, column: "fastqPath", value: undefined },
        { kind: "set", row: 0, column: "fastqCode", value: undefined },
        { kind: "set", row: 1, column: "fastqPath", value: undefined },
        { kind: "set", row: 1, column: "fastqCode", value: undefined },
      ],
    ]);
  });

  it("pastes spreadsheet TSV from the focused cell, appending rows up to maxItems", () => {
    const grid = mount([file(0)], { maxItems: 3 });
    focusCell("/dataFiles/0/fastqCode");
    clipboardEvent("paste", 'R2\t"s 0"\r\nR1\ts1\r\nR2\ts2\r\nR1\ts3\r\n');
    expect(grid.calls).toEqual([
      [
        { kind: "set", row: 0, column: "fastqCode", value: "R2" },
        { kind: "set", row: 0, column: "sampleName", value: "s 0" },
        {
          kind: "splice",
          start: 1,
          deleteCount: 0,
          items: [
            { fastqCode: "R1", sampleName: "s1" },
            { fastqCode: "R2", sampleName: "s2" },
          ],
        },
      ],
    ]);
    expect(screen.getByRole("status").textContent).toContain(
      "1 pasted row left out: at most 3 rows",
    );
    expect(screen.getByRole("grid").getAttribute("aria-rowcount")).toBe("4");
    expect(screen.getByRole("button", { name: "Add row" })).toHaveProperty("disabled", true);
  });

  it("fills an empty grid from a paste, and adds and deletes rows within min/maxItems", () => {
    const grid = mount([], { minItems: 1 });
    const gridElement = screen.getByRole("grid");
    expect(gridElement.tabIndex).toBe(0);
    act(() => gridElement.focus());
    clipboardEvent("paste", "a.fq\tR1\n");
    expect(grid.value()).toEqual([{ fastqPath: "a.fq", fastqCode: "R1" }]);
    const remove = screen.getByRole("button", { name: "Delete row" });
    expect(remove).toHaveProperty("disabled", true);
    fireEvent.click(screen.getByRole("button", { name: "Add row" }));
    expect(grid.value()).toEqual([{ fastqPath: "a.fq", fastqCode: "R1" }, {}]);
    expect(active().dataset.pointer).toBe("/dataFiles/1/fastqPath");
    fireEvent.click(remove);
    expect(grid.calls.at(-1)).toEqual([{ kind: "splice", start: 1, deleteCount: 1, items: [] }]);
    expect(grid.value()).toHaveLength(1);
  });

  it("changes nothing when read-only", () => {
    const grid = mount([file(0)], { readOnly: true });
    focusCell("/dataFiles/0/sampleName");
    press("x");
    press("Delete");
    clipboardEvent("paste", "y");
    expect(active().tagName).not.toBe("INPUT");
    expect(grid.calls).toEqual([]);
    expect(screen.queryByRole("button", { name: "Add row" })).toBeNull();
  });
});
