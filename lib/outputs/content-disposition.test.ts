import { describe, expect, it } from "vitest";
import { attachmentDisposition } from "./content-disposition";

describe("attachmentDisposition", () => {
  it("names a plain file in both forms", () => {
    expect(attachmentDisposition("results/qc.tsv")).toBe(
      `attachment; filename="qc.tsv"; filename*=UTF-8''qc.tsv`,
    );
  });

  it("keeps non-ASCII names exact in filename* and readable in filename", () => {
    expect(attachmentDisposition("Résumé (final)*.txt")).toBe(
      `attachment; filename="R_sum_ (final)*.txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29%2A.txt`,
    );
  });

  it("cannot break the header or name a folder", () => {
    const header = attachmentDisposition('a"b\\c;d%e\r\nSet-Cookie: x=1');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toMatch(
      /^attachment; filename="a_b_c_d_e__Set-Cookie: x=1"; filename\*=UTF-8''/,
    );
    expect(attachmentDisposition("../..")).toContain(`filename="download"`);
    expect(attachmentDisposition("dir/")).toContain(`filename="download"`);
    expect(attachmentDisposition("lone\ud800.txt")).toContain(`filename*=UTF-8''lone_.txt`);
  });

  it("drops bidirectional controls, so a name shows as what it is (issue 10, finding 11)", () => {
    expect(attachmentDisposition("invoice\u202efdp.exe")).toBe(
      `attachment; filename="invoice_fdp.exe"; filename*=UTF-8''invoice_fdp.exe`,
    );
    for (const c of [
      "\u200e",
      "\u200f",
      "\u061c",
      "\u202a",
      "\u202d",
      "\u2066",
      "\u2069",
      "\ufeff",
    ])
      expect(attachmentDisposition(`a${c}b.txt`)).toBe(
        `attachment; filename="a_b.txt"; filename*=UTF-8''a_b.txt`,
      );
    expect(attachmentDisposition("שלום.txt")).toContain(`filename*=UTF-8''%D7%A9`);
  });
});
