/** The bodies besides JSON that the submission routes and the convert route accept. */
import { ZSpreadsheetUpload } from "@/lib/contract/spreadsheets";
import { ODS_TYPE, XLS_TYPE, XLSX_TYPE } from "../http/read-upload";
import { binary } from "./route-spec";

/** A workbook or CSV as the body, or as multipart `file` with optional fields. */
export const spreadsheetBodies = {
  [XLSX_TYPE]: {
    schema: binary,
    description:
      "A filled-in template (the pipeline comes from its hidden `_runport` sheet, or `?pipeline=`)",
  },
  [ODS_TYPE]: {
    schema: binary,
    description: "The template saved as OpenDocument (.ods) by Calc, Gnumeric or others",
  },
  [XLS_TYPE]: {
    schema: binary,
    description: "The template saved as Excel 97-2003 (.xls)",
  },
  "text/csv": {
    schema: { type: "string" },
    description: "The samples sheet as CSV; needs `?pipeline=name@version`",
  },
  "text/tab-separated-values": {
    schema: { type: "string" },
    description: "The samples sheet as TSV; needs `?pipeline=name@version`",
  },
  "multipart/form-data": { schema: ZSpreadsheetUpload },
};

export const spreadsheetProblems =
  "Spreadsheet bodies: every problem names its sheet and cell (`errors[].cell`, e.g. `dataFiles!B4`) and its JSON Pointer; an unreadable file (not an .xlsx, .ods or .xls, encrypted, a broken ZIP, a zip bomb, over a sheet/row/column limit) is a 422 `unreadable-spreadsheet`.";
