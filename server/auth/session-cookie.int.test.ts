// Issue 10, finding 9: the session cookie is Secure when the browser reached us over TLS,
// also behind a TLS proxy (TRUST_PROXY and X-Forwarded-Proto https) without PUBLIC_URL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "@/server/context";
import { createTestContext, createTestUser, sessionToken, type TestUser } from "@/test/context";
import { createAuthOptions, principalFromSession } from "./session";

let ctx: AppContext;
let behindProxy: AppContext;
let alice: TestUser;

beforeAll(async () => {
  ctx = createTestContext({ publicUrl: undefined, trustProxy: false });
  behindProxy = createTestContext({ publicUrl: undefined, trustProxy: true });
  alice = await createTestUser(ctx);
});

afterAll(async () => {
  await ctx.close();
  await behindProxy.close();
});

const overTls = new Headers({ "x-forwarded-proto": "https" });
const plain = new Headers({ "x-forwarded-proto": "http" });

describe("the session cookie behind a TLS proxy", () => {
  it("is Secure when a trusted proxy says the request came over https", () => {
    expect(createAuthOptions(behindProxy, overTls).useSecureCookies).toBe(true);
    expect(createAuthOptions(behindProxy, plain).useSecureCookies).toBe(false);
    // Without TRUST_PROXY the header is anyone's to send.
    expect(createAuthOptions(ctx, overTls).useSecureCookies).toBe(false);
    const https = createTestContext({ publicUrl: "https://runport.example", trustProxy: false });
    expect(createAuthOptions(https, plain).useSecureCookies).toBe(true);
    void https.close();
  });

  it("is read under its Secure name, and under the plain name over http", async () => {
    const token = await sessionToken(ctx, alice.principal.userId);
    for (const name of ["__Secure-next-auth.session-token", "next-auth.session-token"]) {
      expect(await principalFromSession(behindProxy, { [name]: token })).toMatchObject({
        username: alice.username,
      });
    }
  });
});
