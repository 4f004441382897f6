import { describe, expect, it } from "vitest";
import { slurmPackages } from "./slurm-packages";

describe("slurmPackages", () => {
  it("asks for the Debian package of each missing Slurm program", () => {
    expect(slurmPackages(() => true)).toEqual([]);
    expect(slurmPackages(() => false)).toEqual(["slurmctld", "slurmd", "slurm-client", "munge"]);
    expect(slurmPackages((file) => file !== "/usr/bin/sbatch")).toEqual(["slurm-client"]);
  });
});
