import { describe, expect, it } from "vitest";
import { checkComparison, type PickedRun } from "./compare-selection";

const run = (id: string, status = "succeeded", pipelineName = "fastq-qc"): PickedRun => ({
  id,
  label: `run ${id}`,
  pipelineName,
  status,
});

describe("checkComparison", () => {
  it("accepts 2 to 8 succeeded runs of one pipeline, in the order picked", () => {
    expect(checkComparison([run("b"), run("a")])).toEqual({ ok: true, ids: ["b", "a"] });
    const eight = "abcdefgh".split("").map((id) => run(id));
    expect(checkComparison(eight)).toEqual({ ok: true, ids: "abcdefgh".split("") });
  });

  it("says why otherwise: too few, too many, not succeeded, several pipelines", () => {
    expect(checkComparison([])).toEqual({
      ok: false,
      reason: "Select 2 to 8 succeeded runs of one pipeline to compare them.",
    });
    expect(checkComparison([run("a")])).toEqual({
      ok: false,
      reason: "Select 2 to 8 succeeded runs of one pipeline to compare them (1 selected).",
    });
    const nine = "abcdefghi".split("").map((id) => run(id));
    expect(checkComparison(nine)).toMatchObject({
      reason: "At most 8 runs can be compared: 9 are selected.",
    });
    expect(checkComparison([run("a"), run("b", "failed"), run("c", "running")])).toMatchObject({
      reason: "Only succeeded runs can be compared: run b is failed and 1 more.",
    });
    expect(checkComparison([run("a"), run("b", "succeeded", "hello")])).toMatchObject({
      reason: "Only runs of one pipeline can be compared: fastq-qc, hello are selected.",
    });
  });
});
