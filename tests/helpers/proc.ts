/** Process facts from Linux /proc (the server's cluster workers, their CPU time). */
import fs from "node:fs";

function statFields(pid: number): string[] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** CPU time (user + system, ms) a process has used so far; null where /proc is missing. */
export function cpuMsOf(pid: number): number | null {
  const fields = statFields(pid);
  if (!fields) return null;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** The live child processes of `pid` (the server's cluster workers). */
export function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.map(Number).filter((p) => statFields(p)?.[1] === String(pid));
}

/**
 * CPU time (ms) of a process and its live children so far (the server: the cluster's primary and its
 * workers); null where /proc is missing.
 */
export function treeCpuMsOf(pid: number): number | null {
  const own = cpuMsOf(pid);
  if (own === null) return null;
  return childrenOf(pid).reduce((sum, child) => sum + (cpuMsOf(child) ?? 0), own);
}
