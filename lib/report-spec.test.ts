import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ZPipelineFile } from "./pipeline-definition";
import { chartOption, chartTable, BREACH_COLOUR, niceCeil } from "./report-chart";
import { chartRecords, ZReportSpec, type ChartSpec } from "./report-spec";

const chart = (over: Partial<ChartSpec> = {}): ChartSpec => ({
  title: "GC",
  type: "bar",
  rows: "/samples",
  x: "sampleName",
  y: ["gcPercent"],
  thresholds: [{ value: 35, label: "GC low", kind: "min" }],
  ...over,
});

describe("ZReportSpec", () => {
  it("accepts fastq-qc's report", () => {
    const file = ZPipelineFile.parse(
      JSON.parse(readFileSync("pipelines/fastq-qc/pipeline.json", "utf8")),
    );
    expect(file.report?.charts.map((c) => c.type)).toEqual(["bar", "bar", "bar", "table"]);
    expect(file.previewScripts).toBe(false);
  });

  it("refuses sources outside the outputs, JSON charts without rows, tables with rows, unknown keys", () => {
    const problems = (report: unknown) =>
      ZReportSpec.safeParse(report).error?.issues.map((i) => `${i.path.join(".")}`) ?? [];
    const base = {
      output: "qc.json",
      charts: [{ title: "t", type: "bar", rows: "/s", x: "a", y: ["b"] }],
    };
    expect(problems(base)).toEqual([]);
    expect(problems({ ...base, output: "../qc.json" })).toContain("output");
    expect(problems({ ...base, output: "/etc/qc.json" })).toContain("output");
    expect(problems({ ...base, output: "a/./qc.json" })).toContain("output");
    expect(problems({ ...base, output: "qc.html" })).toContain("output");
    expect(problems({ ...base, charts: [{ title: "t", type: "bar", x: "a", y: ["b"] }] })).toEqual([
      "charts.0.rows",
    ]);
    expect(
      problems({
        ...base,
        charts: [{ title: "t", type: "pie", source: "q.tsv", rows: "/s", x: "a", y: [] }],
      }),
    ).toEqual(expect.arrayContaining(["charts.0.type", "charts.0.y"]));
    expect(problems({ ...base, colour: "red" })).toEqual([""]);
  });
});

describe("charts", () => {
  const json = {
    samples: [{ sampleName: "s1", gcPercent: 41.2 }, { sampleName: "s2", gcPercent: 20 }, "junk"],
  };

  it("takes records from a JSON pointer or a table's rows", () => {
    expect(chartRecords(chart(), { json })).toHaveLength(2);
    expect(chartRecords(chart({ rows: "/missing" }), { json })).toEqual([]);
    expect(
      chartRecords(chart(), { columns: ["sampleName", "gcPercent"], rows: [["s1", "41"]] }),
    ).toEqual([{ sampleName: "s1", gcPercent: "41" }]);
  });

  it("draws thresholds as lines and values on their wrong side in red, also in the table", () => {
    const records = chartRecords(chart(), { json });
    const option = chartOption(chart(), records);
    expect(option.xAxis).toMatchObject({ type: "category", data: ["s1", "s2"] });
    const [series] = option.series;
    expect(series?.data).toEqual([
      { value: 41.2 },
      { value: 20, itemStyle: { color: BREACH_COLOUR } },
    ]);
    expect(series?.markLine?.data).toEqual([{ name: "GC low", yAxis: 35 }]);
    expect(chartTable(chart(), records).rows.map((r) => r.flagged)).toEqual([
      [],
      ["gcPercent: GC low"],
    ]);
    const scatter = chartOption(
      chart({ type: "scatter", x: "gcPercent", y: ["gcPercent"] }),
      records,
    );
    expect(scatter.series[0]?.data[0]).toEqual({ value: [41.2, 41.2] });
  });
});

describe("niceCeil", () => {
  it("rounds up past the value to a round step", () => {
    expect(niceCeil(65)).toBe(70);
    expect(niceCeil(800)).toBe(850);
    expect(niceCeil(0)).toBe(0);
  });
});
