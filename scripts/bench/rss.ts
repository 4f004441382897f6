import { readFileSync, readdirSync } from "node:fs";

/** A number of /proc/<pid>/status (memory in kB); undefined when the process or field is missing. */
function statusField(pid: number, field: string): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`${field}:\\s+(\\d+)`).exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A memory figure of a process, in bytes. */
export function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): number {
  return (statusField(pid, field) ?? NaN) * 1024;
}

/** Resident memory of a process and all its descendants, in MiB. */
export function treeRssMiB(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    const ppid = Number.isInteger(pid) ? statusField(pid, "PPid") : undefined;
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let totalKb = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    totalKb += statusField(pid, "VmRSS") ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return totalKb / 1024;
}
