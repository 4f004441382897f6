import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listVersions, pipelines, referenceLists, runs } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { AppError } from "@/server/errors";
import { createRun } from "@/server/runs/create-run";
import { getRun } from "@/server/runs/get-run";
import { createSchedule } from "@/server/schedules/create-schedule";
import { submitSpreadsheet } from "@/server/spreadsheets/submit-spreadsheet";
import { submitRun } from "@/server/runs/submit-run";
import { createTestContext, createTestUser, type TestUser } from "@/test/context";
import { registerPipelines } from "@/test/pipelines";
import { createList } from "./create-list";
import { deleteList } from "./delete-list";
import { listLists } from "./list-lists";
import { refreshDueLists } from "./refresh-due-lists";
import { refreshListNow } from "./refresh-list-now";
import { KEPT_VERSIONS } from "./refresh-list";
import { searchListValues } from "./search-list-values";
import { updateList } from "./update-list";

let ctx: AppContext;
let admin: TestUser;
let alice: TestUser;
let viewer: TestUser;
let root: string;
let server: Server;
let serverUrl: string;
let answer: { status: number; body: string } = { status: 200, body: "id\nu1\n" };

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

function create(body: object) {
  return createList(ctx, { principal: admin.principal, bodyText: JSON.stringify(body) });
}

const csv = (_: string) => ({ format: "csv", valueColumn: "account", labelColumn: "title" });

async function versionsOf(name: string) {
  const [list] = await ctx.db.select().from(referenceLists).where(eq(referenceLists.name, name));
  return ctx.db.select().from(listVersions).where(eq(listVersions.listId, list!.id));
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), "runport-lists-"));
  server = createServer((_, res) => res.writeHead(answer.status).end(answer.body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/accounts.csv`;
  ctx = createTestContext({
    listFileRoots: [root],
    listUrlHosts: ["127.0.0.1"],
    listCommands: ["echo", "true", "printf"],
    listSourceTimeoutMs: 2000,
  });
  [admin, alice, viewer] = await Promise.all([
    createTestUser(ctx, "admin"),
    createTestUser(ctx, "submitter"),
    createTestUser(ctx, "viewer"),
  ]);
  const pipelines = path.join(root, "pipelines", "list-probe");
  mkdirSync(pipelines, { recursive: true });
  writeFileSync(
    path.join(pipelines, "pipeline.json"),
    JSON.stringify({
      name: "list-probe",
      version: "1.0.0",
      title: "A schema with x-runport-list",
      command: ["node", "-e", "0"],
      schema: {
        type: "object",
        properties: {
          account: { type: "string", "x-runport-list": "probe-accounts" },
          rows: {
            type: "array",
            items: {
              type: "object",
              properties: { project: { type: "string", "x-runport-list": "probe-projects" } },
            },
          },
        },
      },
    }),
  );
  await registerPipelines(ctx, [path.join(root, "pipelines")]);
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await ctx.queue.obliterate({ force: true });
  await ctx.close();
  rmSync(root, { recursive: true, force: true });
});

describe("defining lists", () => {
  it("refuses non-admins, a host or program off the allow-lists, and per-user lists without {username}", async () => {
    const body = { name: "x1", source: { kind: "file", path: path.join(root, "x.csv") } };
    expect(
      (
        await refusal(
          createList(ctx, { principal: alice.principal, bodyText: JSON.stringify(body) }),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const offList = await refusal(
      create({ name: "x2", source: { kind: "url", url: "https://evil.example/x" } }),
    );
    expect(offList.errors?.[0]).toMatchObject({ path: "/source/url" });
    // A program the operator did not allow (LIST_COMMANDS): an admin may not run `cat .env`.
    const offCommands = await refusal(
      create({ name: "x5", source: { kind: "command", argv: ["cat", ".env"] } }),
    );
    expect(offCommands.errors?.[0]).toEqual({
      path: "/source/argv/0",
      message: "runs cat, which is not in LIST_COMMANDS",
    });
    const perUser = await refusal(
      create({ name: "x3", perUser: true, source: { kind: "command", argv: ["echo", "a"] } }),
    );
    expect(perUser.errors?.[0]).toMatchObject({ path: "/perUser" });
    const cron = await refusal(
      create({ name: "x4", cron: "61 * * * *", source: { kind: "command", argv: ["true"] } }),
    );
    expect(cron.errors?.[0]?.path).toBe("/cron");
    expect((await listLists(ctx, { principal: admin.principal })).items).toEqual([]);
  });
});

describe("refreshing", () => {
  it("stores a version only when the values change, keeps the last good one on failure, and bounds old versions", async () => {
    const file = path.join(root, "accounts.csv");
    writeFileSync(file, "account,title\nlab-1,One\nlab-2,Two\n");
    await create({ name: "probe-accounts", source: { kind: "file", path: file, parse: csv("") } });
    const now = new Date();
    const [first] = await refreshDueLists(ctx, { now });
    expect(first?.result).toMatchObject({ outcome: "stored", count: 2 });
    // Due again only at the next hour: nothing to do now.
    expect(await refreshDueLists(ctx, { now })).toEqual([]);
    const same = await refreshListNow(ctx, { principal: admin.principal, name: "probe-accounts" });
    expect(same).toMatchObject({ outcome: "unchanged", count: 2 });
    expect(await versionsOf("probe-accounts")).toHaveLength(1);

    writeFileSync(file, "account,title\nlab-1,One\n");
    const broken = path.join(root, "missing.csv");
    await updateList(ctx, {
      principal: admin.principal,
      name: "probe-accounts",
      bodyText: JSON.stringify({ source: { kind: "file", path: broken, parse: csv("") } }),
    });
    const failed = await refreshListNow(ctx, {
      principal: admin.principal,
      name: "probe-accounts",
    });
    expect(failed.outcome).toBe("failed");
    expect(failed.list.lastError).toMatch(/does not exist/);
    expect(failed.list.version).toMatchObject({ count: 2 });
    expect(failed.list.lastErrorAt).not.toBeNull();

    await updateList(ctx, {
      principal: admin.principal,
      name: "probe-accounts",
      bodyText: JSON.stringify({ source: { kind: "file", path: file, parse: csv("") } }),
    });
    for (let i = 0; i < KEPT_VERSIONS + 2; i++) {
      writeFileSync(file, `account,title\nlab-1,One\nlab-2,Two\nlab-extra-${i},x\n`);
      const done = await refreshListNow(ctx, {
        principal: admin.principal,
        name: "probe-accounts",
      });
      expect(done).toMatchObject({ outcome: "stored", count: 3, error: null });
    }
    expect(await versionsOf("probe-accounts")).toHaveLength(KEPT_VERSIONS);
  });

  it("fetches a URL; a failing URL keeps the last good version", async () => {
    answer = { status: 200, body: "account,title\nu-1,U\nu-2,V\n" };
    await create({ name: "probe-url", source: { kind: "url", url: serverUrl, parse: csv("") } });
    expect(
      await refreshListNow(ctx, { principal: admin.principal, name: "probe-url" }),
    ).toMatchObject({ outcome: "stored", count: 2 });
    answer = { status: 503, body: "down" };
    const failed = await refreshListNow(ctx, { principal: admin.principal, name: "probe-url" });
    expect(failed).toMatchObject({ outcome: "failed", error: "the URL answered 503" });
    expect(failed.list.version?.count).toBe(2);
    const values = await searchListValues(ctx, {
      principal: alice.principal,
      name: "probe-url",
      query: { q: "u-", limit: 10 },
    });
    expect(values.items.map((v) => v.value)).toEqual(["u-1", "u-2"]);
  });

  it("two beats ticking together refresh a due list once", async () => {
    const file = path.join(root, "twice.txt");
    writeFileSync(file, "a\nb\n");
    await create({ name: "probe-twice", source: { kind: "file", path: file } });
    const now = new Date(Date.now() + 1000);
    const other = createTestContext({ listFileRoots: [root], listUrlHosts: ["127.0.0.1"] });
    try {
      const [one, two] = await Promise.all([
        refreshDueLists(ctx, { now }),
        refreshDueLists(other, { now }),
      ]);
      const done = [...one, ...two].filter((d) => d.name === "probe-twice");
      expect(done).toHaveLength(1);
      expect(await versionsOf("probe-twice")).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe("values", () => {
  it("searches by prefix then substring and label, for those who may submit", async () => {
    const file = path.join(root, "projects.csv");
    writeFileSync(file, "account,title\nP-100,Mouse atlas\nP-200,Zebrafish\nQ-300,Mouse brain\n");
    await create({ name: "probe-projects", source: { kind: "file", path: file, parse: csv("") } });
    await refreshListNow(ctx, { principal: admin.principal, name: "probe-projects" });
    const search = (q: string, limit = 10) =>
      searchListValues(ctx, {
        principal: alice.principal,
        name: "probe-projects",
        query: { q, limit },
      });
    expect((await search("P-")).items.map((v) => v.value)).toEqual(["P-100", "P-200"]);
    expect((await search("mouse")).items).toEqual([
      { value: "P-100", label: "Mouse atlas" },
      { value: "Q-300", label: "Mouse brain" },
    ]);
    expect((await search("", 1)).items).toHaveLength(1);
    expect(
      (
        await refusal(
          searchListValues(ctx, {
            principal: alice.principal,
            name: "nope",
            query: { q: "", limit: 5 },
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });

  it("a per-user list gives each user only their own values", async () => {
    await create({
      name: "probe-mine",
      perUser: true,
      source: { kind: "command", argv: ["printf", "%s-a\\n%s-b\\n", "{username}", "{username}"] },
    });
    expect(
      await refreshListNow(ctx, { principal: admin.principal, name: "probe-mine" }),
    ).toMatchObject({ outcome: "stored" });
    const mine = await searchListValues(ctx, {
      principal: alice.principal,
      name: "probe-mine",
      query: { q: "", limit: 50 },
    });
    expect(mine.items.map((v) => v.value)).toEqual([`${alice.username}-a`, `${alice.username}-b`]);
    // A viewer cannot submit: no values (and none of anybody else's).
    const forViewer = searchListValues(ctx, {
      principal: viewer.principal,
      name: "probe-mine",
      query: { q: "", limit: 50 },
    });
    expect((await refusal(forViewer)).code).toBe("FORBIDDEN");
    // Made shared: the per-user values cannot answer for everybody; none until a refresh.
    const shared = await updateList(ctx, {
      principal: admin.principal,
      name: "probe-mine",
      bodyText: JSON.stringify({
        perUser: false,
        source: { kind: "command", argv: ["printf", "x-a\\nx-b\\n"] },
      }),
    });
    expect(shared.version).toBeNull();
    const none = await searchListValues(ctx, {
      principal: alice.principal,
      name: "probe-mine",
      query: { q: "", limit: 50 },
    });
    expect(none.items).toEqual([]);
  });
});

describe("validation at submission", () => {
  const submit = (user: TestUser, config: object, dryRun = false) =>
    submitRun(ctx, {
      principal: user.principal,
      body: JSON.stringify({ pipeline: "list-probe", config }),
      format: "runs",
      trigger: "api",
      dryRun,
    });

  it("refuses a value not in the list with the closest values, and records the versions of a valid run", async () => {
    const error = await refusal(
      submit(alice, { account: "lab-3", rows: [{ project: "P-100" }, { project: "p-20O" }] }),
    );
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.errors).toEqual([
      {
        path: "/config/account",
        message: expect.stringMatching(
          /^is not a known value of the list probe-accounts; did you mean "lab-1", "lab-2"/,
        ) as string,
      },
      {
        path: "/config/rows/1/project",
        message: 'is not a known value of the list probe-projects; did you mean "P-200", "P-100"?',
      },
    ]);
    const created = await submit(alice, { account: "lab-2", rows: [{ project: "Q-300" }] });
    if (created.kind === "dry-run") throw new Error("unexpected dry run");
    const view = await getRun(ctx, { principal: alice.principal, runId: created.run.publicId });
    expect(view.listVersions?.map((v) => v.list)).toEqual(["probe-accounts", "probe-projects"]);
    // While the version is kept, the run page shows its count and age too.
    expect(view.listVersions?.[0]).toMatchObject({
      count: expect.any(Number) as number,
      createdAt: expect.any(String) as string,
    });
  });

  it("checks the values of runs made without submitRun (uploads, fires, retries) and of schedules", async () => {
    // createRun is the one way runs are stored: an unknown value is a 422, nothing stored.
    const [pipeline] = await ctx.db
      .select()
      .from(pipelines)
      .where(eq(pipelines.name, "list-probe"));
    const make = (account: string) =>
      createRun(ctx, {
        principal: alice.principal,
        pipeline: pipeline!,
        configText: JSON.stringify({ account }),
        name: `made ${account}`,
        labels: {},
        hold: true,
        trigger: "workbook",
      });
    const error = await refusal(make("lab-9x"));
    expect(error.errors).toEqual([
      {
        path: "/config/account",
        message: expect.stringMatching(
          /^is not a known value of the list probe-accounts/,
        ) as string,
      },
    ]);
    const [stored] = await ctx.db
      .select({ n: count() })
      .from(runs)
      .where(eq(runs.name, "made lab-9x"));
    expect(stored!.n).toBe(0);
    // A valid one records the versions in the run's own transaction.
    const made = await make("lab-1");
    const view = await getRun(ctx, { principal: alice.principal, runId: made.run.publicId });
    expect(view.listVersions?.map((v) => v.list)).toEqual(["probe-accounts"]);
    // A schedule is refused at creation, with the value's pointer.
    const refused = await refusal(
      createSchedule(ctx, {
        principal: alice.principal,
        bodyText: JSON.stringify({
          name: "probe",
          pipeline: "list-probe@1.0.0",
          config: { account: "lab-9x" },
          cron: "0 * * * *",
        }),
      }),
    );
    expect(refused.errors?.[0]).toMatchObject({ path: "/config/account" });
    // An upload's dry run says what its submission would: the same 422.
    const upload = (account: string) =>
      submitSpreadsheet(ctx, {
        principal: alice.principal,
        body: Buffer.from("project\nP-200\n"),
        kind: "csv",
        pipeline: "list-probe@1.0.0",
        base: { account },
        dryRun: true,
      });
    const dry = await refusal(upload("lab-9x"));
    expect(dry.errors?.[0]).toMatchObject({ path: "/config/account" });
    expect(await upload("lab-1")).toMatchObject({ kind: "dry-run", warnings: [] });
  });

  it("checks 1,000 values with the version's values loaded once", async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      project: i === 999 ? "P-999" : "P-200",
    }));
    const error = await refusal(submit(alice, { rows }, true));
    expect(error.errors).toEqual([
      {
        path: "/config/rows/999/project",
        message: expect.stringContaining("probe-projects") as string,
      },
    ]);
  });

  it("does not check a list without values (with a warning) nor one that is not defined", async () => {
    await deleteList(ctx, { principal: admin.principal, name: "probe-projects" });
    await create({
      name: "probe-projects",
      source: { kind: "file", path: path.join(root, "none.csv") },
    });
    const empty = await submit(alice, { rows: [{ project: "anything" }] }, true);
    expect(empty).toMatchObject({
      kind: "dry-run",
      warnings: [
        {
          path: "/config/rows/0/project",
          message: "is not checked: the list probe-projects has no values yet",
        },
      ],
    });
    await deleteList(ctx, { principal: admin.principal, name: "probe-projects" });
    const gone = await submit(alice, { rows: [{ project: "anything" }] }, true);
    expect(gone).toMatchObject({ kind: "dry-run", warnings: [] });
  });
});
