import { describe, expect, it } from "vitest";
import { describeWait, retryAfterOfSignInError, tooManyAttemptsError } from "./sign-in-error";

describe("the sign-in form's errors", () => {
  it("carry the wait of a refused attempt, and nothing else reads as one", () => {
    expect(retryAfterOfSignInError(tooManyAttemptsError(120))).toBe(120);
    for (const other of [
      null,
      undefined,
      "CredentialsSignin",
      "TooManyAttempts:",
      "TooManyAttempts:-3",
    ])
      expect(retryAfterOfSignInError(other)).toBeNull();
  });

  it("say a wait in words", () => {
    expect([1, 45, 60, 61, 3600].map(describeWait)).toEqual([
      "1 second",
      "45 seconds",
      "1 minute",
      "2 minutes",
      "60 minutes",
    ]);
  });
});
