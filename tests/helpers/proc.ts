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

const commOf = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
};

/**
 * The PostgreSQL postmaster on this machine listening on `port` (a `postgres` process whose parent is
 * not one, whose data directory's postmaster.pid names the port), for counting the database's CPU
 * next to the server's in benchmarks; null where /proc is missing or none matches.
 */
export function localPostmaster(port: number): number | null {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return null;
  }
  for (const pid of entries.map(Number)) {
    if (commOf(pid) !== "postgres" || commOf(Number(statFields(pid)?.[1])) === "postgres") continue;
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      const dir = args[args.indexOf("-D") + 1];
      if (!dir || !args.includes("-D")) continue;
      const lines = fs.readFileSync(`${dir}/postmaster.pid`, "utf8").split("\n");
      if (Number(lines[3]) === port) return pid;
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * CPU time (ms) of a PostgreSQL cluster so far: the postmaster, its live backends, and the backends
 * that already exited (the postmaster reaps them, so their time is in its cutime/cstime); a pool that
 * closes idle connections mid-measurement would otherwise make the figure go down.
 */
export function clusterCpuMsOf(postmaster: number): number | null {
  const fields = statFields(postmaster);
  if (!fields) return null;
  const reaped = ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // cutime, cstime
  return (treeCpuMsOf(postmaster) ?? 0) + reaped;
}
