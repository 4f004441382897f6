import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import type { AppContext } from "@/server/context";
import { AppError, toProblem } from "@/server/errors";
import { createTestContext } from "@/test/context";
import { createUser } from "./create-user";

let ctx: AppContext;

beforeAll(() => {
  ctx = createTestContext();
});

afterAll(async () => {
  await ctx.close();
});

describe("createUser (the command line's user create)", () => {
  it("refuses a bad username or e-mail with a 422 naming the field, and stores nothing", async () => {
    for (const [request, path] of [
      [{ username: "Not Valid!" }, "/username"],
      [{ username: "valid-name-cu", email: "not-an-address" }, "/email"],
    ] as const) {
      const error = await createUser(ctx, request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(toProblem(error).problem).toMatchObject({ status: 422, errors: [{ path }] });
    }
    const stored = await ctx.db.select().from(users).where(eq(users.username, "valid-name-cu"));
    expect(stored).toEqual([]);
  });
});
