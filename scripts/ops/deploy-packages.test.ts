import { describe, expect, it } from "vitest";
import { deployPackages } from "./deploy-packages";

describe("deployPackages", () => {
  it("names the package of each missing program, nothing when all are there", () => {
    expect(deployPackages(() => false)).toEqual(["nginx", "supervisor", "openssl"]);
    expect(deployPackages((file) => file !== "/usr/bin/supervisord")).toEqual(["supervisor"]);
    expect(deployPackages(() => true)).toEqual([]);
  });
});
