import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getTemplate } from "@/app/api/v1/pipelines/[name]/template.xlsx/route";
import type { AppContext } from "@/server/context";
import { ensureDefaultLists } from "@/server/lists/ensure-default-lists";
import { refreshListNow } from "@/server/lists/refresh-list-now";
import { updateList } from "@/server/lists/update-list";
import { SYSTEM_PYTHON } from "@/scripts/ops/fixture-writers";
import { basicAuth, createTestContext, createTestUser, type TestUser } from "@/test/context";
import { callRoute } from "@/test/http";
import { registerPipelines } from "@/test/pipelines";
import { openWorkbook } from "./read-workbook";

let ctx: AppContext;
let admin: TestUser;
let alice: TestUser;
let viewer: TestUser;
// ./lists is the default LIST_FILE_ROOTS.
const accounts = path.resolve("lists", `template-test-${process.pid}.csv`);
const scratch = mkdtempSync(path.join(tmpdir(), "runport-template-lists-"));

beforeAll(async () => {
  ctx = createTestContext({ childEnv: { PATH: "/usr/bin:/bin" } });
  await registerPipelines(ctx);
  [admin, alice, viewer] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "viewer"),
  ]);
  await ensureDefaultLists(ctx);
  await updateList(ctx, {
    principal: admin.principal,
    name: "hpc-accounts",
    bodyText: JSON.stringify({
      source: {
        kind: "file",
        path: accounts,
        parse: { format: "csv", valueColumn: "account", labelColumn: "lab", header: true },
      },
    }),
  });
});

afterAll(async () => {
  rmSync(accounts, { force: true });
  rmSync(scratch, { recursive: true, force: true });
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
});

async function setAccounts(...values: string[]): Promise<void> {
  writeFileSync(accounts, ["account,lab", ...values.map((v) => `${v},Lab ${v}`)].join("\n"));
  const done = await refreshListNow(ctx, { principal: admin.principal, name: "hpc-accounts" });
  expect(done.outcome).toBe("stored");
}

const fetchTemplate = (user: TestUser, etag?: string) =>
  callRoute(getTemplate, {
    path: "/api/v1/pipelines/fastq-qc/template.xlsx",
    headers: {
      authorization: basicAuth(user.username, user.token),
      ...(etag ? { "if-none-match": etag } : {}),
    },
    params: { name: "fastq-qc" },
  });

/** What openpyxl (another reader than ours) sees: the hidden sheet and the dropdown of hpcAccount. */
function openpyxlView(body: Buffer): {
  sheets: Record<string, string>;
  lists: (string | null)[];
  validation: { type: string; formula: string; strict: boolean } | null;
} {
  const file = path.join(scratch, `template-${Date.now()}.xlsx`);
  writeFileSync(file, body);
  const script = `
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
run = book["Run"]
row = next(r for r in range(1, run.max_row + 1) if run.cell(r, 1).value == "hpcAccount")
found = None
for dv in run.data_validations.dataValidation:
    if f"B{row}" in str(dv.sqref):
        found = {"type": dv.type, "formula": dv.formula1, "strict": bool(dv.showErrorMessage)}
lists = [c.value for c in book["_lists"]["A"]] if "_lists" in book.sheetnames else []
print(json.dumps({"sheets": {ws.title: ws.sheet_state for ws in book.worksheets}, "lists": lists, "validation": found}))
`;
  return JSON.parse(
    execFileSync(SYSTEM_PYTHON, ["-c", script, file], { encoding: "utf8" }),
  ) as ReturnType<typeof openpyxlView>;
}

describe("the spreadsheet template's dropdowns of reference lists", () => {
  it("offers the list's values from a hidden sheet, changes when the list does, and is read back without it", async () => {
    await setAccounts("acct-b", "acct-a");
    const first = await fetchTemplate(alice);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    const body = Buffer.from(await first.arrayBuffer());
    const view = openpyxlView(body);
    expect(view.sheets._lists).toBe("hidden");
    expect(view.lists).toEqual(["hpc-accounts", "acct-a", "acct-b"]);
    expect(view.validation).toEqual({ type: "list", formula: "'_lists'!$A$2:$A$3", strict: true });
    // Reading a filled template back never looks at the values.
    expect(openWorkbook(body).sheetNames).not.toContain("_lists");

    // The same template: the browser's copy is current.
    const again = await fetchTemplate(alice, etag);
    expect(again.status).toBe(304);
    // A refresh with other values: a new template.
    await setAccounts("acct-b", "acct-a", "acct-c");
    const changed = await fetchTemplate(alice, etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    const changedView = openpyxlView(Buffer.from(await changed.arrayBuffer()));
    expect(changedView.lists).toEqual(["hpc-accounts", "acct-a", "acct-b", "acct-c"]);
    expect(changedView.validation?.formula).toBe("'_lists'!$A$2:$A$4");

    // A viewer cannot submit: no list values in its template.
    const forViewer = openpyxlView(Buffer.from(await (await fetchTemplate(viewer)).arrayBuffer()));
    expect(forViewer.sheets).not.toHaveProperty("_lists");
    expect(forViewer.validation).toBeNull();
  });
});
