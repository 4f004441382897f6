import { describe, expect, it } from "vitest";
import { withHelpText } from "./with-help-text";

describe("withHelpText", () => {
  it("puts description and help_text in the hover text, at any depth, leaving data alone", () => {
    const schema = {
      $defs: {
        g: {
          properties: {
            seed: { type: "integer", description: "Seed.", help_text: "Same seed, same reads." },
            mode: { enum: [{ help_text: "data" }], help_text: "Pick one." },
          },
        },
      },
    };
    expect(withHelpText(schema)).toEqual({
      $defs: {
        g: {
          properties: {
            seed: {
              type: "integer",
              description: "Seed.",
              help_text: "Same seed, same reads.",
              markdownDescription: "Seed.\n\nSame seed, same reads.",
            },
            mode: {
              enum: [{ help_text: "data" }],
              help_text: "Pick one.",
              markdownDescription: "Pick one.",
            },
          },
        },
      },
    });
    expect(schema.$defs.g.properties.seed).not.toHaveProperty("markdownDescription");
  });
});
