import {
  RUN_SHEET,
  typeLabel,
  type LayoutField,
  type WorkbookLayout,
} from "@/lib/spreadsheet/layout";

export interface ReadmeLine {
  text: string;
  heading?: 1 | 2;
}

/** The README sheet: what the workbook is, how to fill it in, and how to submit it. */
export function readmeLines(
  options: { name: string; version: string },
  layout: WorkbookLayout,
): ReadmeLine[] {
  const ref = `${options.name}@${options.version}`;
  const lines: ReadmeLine[] = [
    { text: `Runport run template for ${ref}`, heading: 1 },
    { text: "" },
    { text: "How to fill it in", heading: 2 },
    {
      text: `1. On the "${RUN_SHEET}" sheet, write each field's value in the Value column. Fields marked "yes" under Required (and shaded) must have a value; leave optional ones empty.`,
    },
  ];
  layout.tables.forEach((table, i) => {
    lines.push({
      text: `${i + 2}. On the "${table.sheet}" sheet, write one row per item of ${table.property} (for example one row per sample or file), starting at row 2. Shaded headers are required columns; hover over a header for its type and description. Do not rename or reorder the headers; empty rows are ignored.`,
    });
  });
  lines.push(
    {
      text: `${layout.tables.length + 2}. Dropdowns offer the allowed values; TRUE/FALSE, yes/no and 1/0 all work for yes-or-no fields; dates are YYYY-MM-DD. Numbers typed as text are fine.`,
    },
    { text: "" },
    { text: "How to submit it", heading: 2 },
    {
      text: 'In the browser: on the "New run" page, choose "Upload spreadsheet" (or drop the file there). The workbook becomes the run\'s JSON in the editor; any problem is listed with its sheet and cell. Nothing is submitted until you press Submit.',
    },
    {
      text: "With curl: curl --user USER:TOKEN -F file=@this-file.xlsx https://PORTAL/api/v1/runs  (add ?dryRun=true to only check it).",
    },
    {
      text: `Keep the hidden sheet "_runport": it names the pipeline (${ref}) this workbook is for.`,
    },
    { text: "" },
    { text: "Fields", heading: 2 },
  );
  for (const field of layout.fields.filter((f) => !f.field.hidden)) {
    lines.push({ text: fieldLine(RUN_SHEET, field.header, field) });
  }
  for (const table of layout.tables) {
    for (const column of table.columns)
      lines.push({ text: fieldLine(table.sheet, column.header, column) });
  }
  const advanced = layout.fields.filter((f) => f.field.hidden);
  if (advanced.length > 0) {
    lines.push(
      { text: "" },
      { text: "Advanced fields (rarely changed; last on the Run sheet)", heading: 2 },
      ...advanced.map((field) => ({ text: fieldLine(RUN_SHEET, field.header, field) })),
    );
  }
  if (layout.skipped.length > 0) {
    lines.push(
      { text: "" },
      {
        text: `Not in this workbook (nested lists): ${layout.skipped.join(", ")}. Add them in the JSON editor after uploading.`,
      },
    );
  }
  return lines;
}

function fieldLine(sheet: string, header: string, field: LayoutField): string {
  const required = field.field.required ? "required" : "optional";
  const text = [field.field.description, field.field.helpText].filter(Boolean).join(" ");
  const description = text ? `: ${text}` : "";
  return `${sheet} / ${header} (${required}, ${typeLabel(field)})${description}`;
}
