import { readFileSync, readdirSync } from "node:fs";

function readStatus(pid: number): { rssKb: number; ppid: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    const ppid = /PPid:\s+(\d+)/.exec(status);
    return { rssKb: rss ? Number(rss[1]) : 0, ppid: ppid ? Number(ppid[1]) : 0 };
  } catch {
    return null;
  }
}

/** Resident memory of a process and all its descendants, in MiB. */
export function treeRssMiB(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const status = readStatus(pid);
    if (status) children.set(status.ppid, [...(children.get(status.ppid) ?? []), pid]);
  }
  let totalKb = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    totalKb += readStatus(pid)?.rssKb ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return totalKb / 1024;
}
