/**
 * Resident memory of the workerd processes behind a `wrangler dev`, read from /proc (Linux).
 * wrangler runs two workerd processes in its process group (its proxy, and the one running the
 * Worker); both are measured and their growths added. Each peak is taken from VmHWM after
 * resetting it through /proc/<pid>/clear_refs (writing 5, Linux ≥ 4.0) and, where that file is
 * not writable, from sampling VmRSS every few milliseconds.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

/** The pids of the workerd processes in process group `pgid`. */
export function workerdPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its closing paren.
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (comm === "workerd" && Number(fields[2]) === pgid) pids.push(Number(entry));
  }
  if (pids.length === 0) throw new Error(`no workerd process in process group ${pgid}`);
  return pids;
}

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

export const MiB = 1024 * 1024;

/** Current resident size in bytes. */
export function rssBytes(pid: number): number {
  return statusKb(pid, "VmRSS") * 1024;
}

/**
 * Runs `work` and returns, summed over `pids`, the resident size just before and the peak
 * resident size while it ran, in bytes.
 */
export async function peakDuring<T>(
  pids: readonly number[],
  work: () => Promise<T>,
): Promise<{ before: number; peak: number; result: T }> {
  const resettable = pids.map((pid) => {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
      return true;
    } catch {
      return false;
    }
  });
  const before = pids.map(rssBytes);
  const peak = before.slice();
  const sample = () => {
    pids.forEach((pid, i) => {
      try {
        peak[i] = Math.max(peak[i]!, rssBytes(pid));
      } catch {
        // the process is gone; the caller's request fails and says so
      }
    });
  };
  const timer = setInterval(sample, 2);
  try {
    const result = await work();
    sample();
    pids.forEach((pid, i) => {
      if (resettable[i]) peak[i] = Math.max(peak[i]!, statusKb(pid, "VmHWM") * 1024);
    });
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return { before: sum(before), peak: sum(peak), result };
  } finally {
    clearInterval(timer);
  }
}
