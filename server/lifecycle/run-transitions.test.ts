import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_STATUSES, TERMINAL_STATUSES } from "@/lib/run-status";
import {
  RUN_TRANSITIONS,
  USER_EVENTS,
  isFinished,
  submission,
  transitionFrom,
  type RunTransition,
} from "./run-transitions";

const RUN_EVENTS = [...new Set(RUN_TRANSITIONS.map((t) => t.event))];

const BEGIN =
  "<!-- generated from server/lifecycle/run-transitions.ts by its unit test (UPDATE_DOCS=1 rewrites it) -->";
const END = "<!-- end of generated table -->";

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const RULES = { "+1": " + 1", now: " = now", null: " = null", given: " given" } as const;

function who(t: RunTransition): string {
  return t.by.map((actor) => (actor === "user" ? `user (${t.access})` : actor)).join(", ");
}

/** The doc's section body: a Mermaid diagram and the table, both from RUN_TRANSITIONS. */
function renderStateMachine(): string {
  const edges = new Map<string, string[]>();
  for (const t of RUN_TRANSITIONS) {
    for (const from of t.from.length > 0 ? t.from : ["[*]"]) {
      const key = `${from} --> ${t.to}`;
      edges.set(key, [...(edges.get(key) ?? []), t.event]);
    }
  }
  const rows = RUN_TRANSITIONS.map((t) => {
    const sets = Object.entries(RULES).flatMap(([rule, text]) => {
      const fields = Object.keys(t.set).filter((f) => t.set[f as keyof typeof t.set] === rule);
      return fields.length > 0 ? [`${fields.map(snake).join(", ")}${text}`] : [];
    });
    return `| ${t.event} | ${t.from.join(", ") || "(new run)"} | ${t.to} | ${who(t)} | ${sets.join("; ") || "—"} | \`${t.message}\` |`;
  });
  return [
    BEGIN,
    "",
    "```mermaid",
    "stateDiagram-v2",
    ...[...edges].map(([edge, events]) => `  ${edge}: ${events.join(", ")}`),
    "```",
    "",
    "| event | from | to | by | sets (besides status, updated_at) | event message |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    END,
  ].join("\n");
}

describe("the run state machine table", () => {
  it("has one row per (event, to), never to a state it leaves, for the nine events", () => {
    const keys = RUN_TRANSITIONS.map((t) => `${t.event}→${t.to}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of RUN_TRANSITIONS) {
      expect(t.from).not.toContain(t.to);
    }
    expect(RUN_EVENTS).toEqual([
      "submit",
      "hold",
      "release",
      "cancel",
      "claim",
      "requeue",
      "hand-back",
      "exit",
      "lose",
    ]);
  });

  it("ends exactly in the terminal states, and keeps failed (pipeline) apart from error (platform)", () => {
    expect(RUN_STATUSES.filter(isFinished)).toEqual([...TERMINAL_STATUSES]);
    const exits = RUN_TRANSITIONS.filter((t) => t.event === "exit").map((t) => t.to);
    expect(exits).toEqual(expect.arrayContaining(["failed", "error"]));
    // Every state but the terminal ones is reachable from a new run.
    const reached = new Set(RUN_TRANSITIONS.map((t) => t.to));
    expect(RUN_STATUSES.every((s) => reached.has(s))).toBe(true);
  });

  it("lets users cause only what they may manage, one transition per state, and refuses only what it should", () => {
    for (const t of RUN_TRANSITIONS.filter((t) => t.by.includes("user"))) {
      expect(t.access).toBe(t.from.length === 0 ? "submit" : "manage");
    }
    for (const event of ["cancel", "release"] as const) {
      for (const status of RUN_STATUSES) {
        const matches = RUN_TRANSITIONS.filter((t) => t.event === event && t.from.includes(status));
        expect(matches.length).toBeLessThanOrEqual(1);
      }
    }
    // "The run has already finished": every state a cancel refuses is a finished one.
    const refused = RUN_STATUSES.filter(
      (s) => !transitionFrom("cancel", s) && !USER_EVENTS.cancel.unchanged.includes(s as never),
    );
    expect(refused).toEqual([...TERMINAL_STATUSES]);
    expect(RUN_STATUSES.filter((s) => transitionFrom("release", s))).toEqual(["held"]);
  });

  it("gives a new run its status and first message", () => {
    expect(submission({ hold: false, user: "ann", trigger: "api" })).toEqual({
      status: "queued",
      message: "submitted by ann (api)",
    });
    expect(submission({ hold: true, user: "ann", trigger: "web" }).status).toBe("held");
  });

  it("is what docs/ARCHITECTURE.md shows", () => {
    const file = path.join(import.meta.dirname, "../../docs/ARCHITECTURE.md");
    const doc = readFileSync(file, "utf8");
    const start = doc.indexOf(BEGIN);
    const shown = start < 0 ? "" : doc.slice(start, doc.indexOf(END, start) + END.length);
    // After a change to the table: UPDATE_DOCS=1, then prettier --write the doc.
    if (process.env.UPDATE_DOCS && shown) {
      writeFileSync(file, doc.replace(shown, renderStateMachine()));
      return;
    }
    // Prettier aligns the table's columns in the doc: compare cells, not spaces.
    const cells = (text: string) => text.replace(/ *\| */g, "|").replace(/\|-+/g, "|---");
    expect(cells(shown)).toBe(cells(renderStateMachine()));
  });
});
