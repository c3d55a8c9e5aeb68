/**
 * CPU accounting from Linux procfs (proc(5)): the whole machine from /proc/stat, the processes
 * of one `wrangler dev` from /proc/<pid>/stat and their threads from /proc/<pid>/task/<tid>/stat,
 * and this Node process from process.cpuUsage(). Two samples taken around a measuring window give
 * CPU-seconds per process, per role and per thread, so a figure can say where the cores went.
 * On a system without /proc every sample is empty and every figure derived from it is NaN.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Kernel clock ticks per second (USER_HZ), the unit of the times in /proc. */
const TICKS_PER_SECOND = (() => {
  try {
    const n = Number(
      execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(),
    );
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** The fields of a /proc/<pid>/stat line this module needs (proc(5): fields 2, 3, 5, 14, 15). */
export interface StatLine {
  comm: string;
  state: string;
  pgrp: number;
  /** utime + stime, in seconds. */
  cpuSeconds: number;
}

/**
 * Parses one stat line. `comm` is in parentheses and may itself hold spaces or parentheses, so
 * the numeric fields are those after the last ')'.
 */
export function parseStatLine(line: string): StatLine | null {
  const open = line.indexOf("(");
  const close = line.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const rest = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); field k is rest[k - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const pgrp = Number(rest[2]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(pgrp)) return null;
  return {
    comm: line.slice(open + 1, close),
    state: rest[0] ?? "?",
    pgrp,
    cpuSeconds: (utime + stime) / TICKS_PER_SECOND,
  };
}

/** Busy and total seconds summed over all cores, from the first line of /proc/stat. */
export function parseMachineLine(line: string): { busy: number; total: number } | null {
  const parts = line.trim().split(/\s+/);
  if (parts[0] !== "cpu") return null;
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const v = parts.slice(1, 9).map(Number);
  if (v.length < 8 || v.some((x) => !Number.isFinite(x))) return null;
  const total = v.reduce((s, x) => s + x, 0);
  const idle = v[3]! + v[4]!;
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function readCmdline(pid: number): string[] {
  return (readText(`/proc/${pid}/cmdline`) ?? "").split("\0").filter((s) => s.length > 0);
}

function listPids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * The process group of the `wrangler dev` listening on `port`: the group of the process whose
 * command line holds `--port <port>` and names wrangler (bench/src/wrangler.ts starts each
 * wrangler detached, so workerd and esbuild share its group). Null when not found.
 */
export function findWranglerGroup(port: number): number | null {
  for (const pid of listPids()) {
    const args = readCmdline(pid);
    const at = args.indexOf("--port");
    if (at < 0 || args[at + 1] !== String(port) || !args.some((a) => a.includes("wrangler"))) continue;
    const stat = readText(`/proc/${pid}/stat`);
    const parsed = stat ? parseStatLine(stat) : null;
    if (parsed) return parsed.pgrp;
  }
  return null;
}

export interface ProcessSample {
  pid: number;
  comm: string;
  role: string;
  cpuSeconds: number;
  /** Per thread (tid → CPU seconds); only for processes whose threads were asked for. */
  threads: Map<number, number>;
}

export interface CpuSample {
  /** performance.now() when taken. */
  atMs: number;
  machine: { busy: number; total: number } | null;
  processes: Map<number, ProcessSample>;
  /** This Node process (the load generator), user + system seconds. */
  selfSeconds: number;
}

/**
 * What a process of a `wrangler dev` group does, for the report: the workerd serving the
 * public port is wrangler's entry proxy; any other workerd runs the Worker and its Durable
 * Objects.
 */
export function roleOf(comm: string, args: readonly string[], port: number): string {
  if (comm === "workerd") {
    return args.some((a) => a.startsWith("--socket-addr=") && a.endsWith(`:${port}`))
      ? "workerd entry proxy"
      : "workerd runtime";
  }
  if (comm === "node" || comm.startsWith("node")) return "wrangler (Node)";
  return comm;
}

function threadTimes(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const stat = readText(`/proc/${pid}/task/${tid}/stat`);
    const parsed = stat ? parseStatLine(stat) : null;
    if (parsed) out.set(Number(tid), parsed.cpuSeconds);
  }
  return out;
}

/** One sample of the machine, of every process in `group` (threads of runtime workerd too) and of this process. */
export function sampleCpu(group: number | null, port: number): CpuSample {
  const atMs = performance.now();
  const machineLine = readText("/proc/stat")?.split("\n")[0];
  const processes = new Map<number, ProcessSample>();
  if (group !== null) {
    for (const pid of listPids()) {
      const stat = readText(`/proc/${pid}/stat`);
      const parsed = stat ? parseStatLine(stat) : null;
      if (!parsed || parsed.pgrp !== group) continue;
      const role = roleOf(parsed.comm, readCmdline(pid), port);
      processes.set(pid, {
        pid,
        comm: parsed.comm,
        role,
        cpuSeconds: parsed.cpuSeconds,
        threads: role === "workerd runtime" ? threadTimes(pid) : new Map(),
      });
    }
  }
  const self = process.cpuUsage();
  return {
    atMs,
    machine: machineLine ? parseMachineLine(machineLine) : null,
    processes,
    selfSeconds: (self.user + self.system) / 1e6,
  };
}

export interface CpuWindow {
  seconds: number;
  /** Busy share of all cores, 0..1 (NaN without /proc/stat). */
  machineBusy: number;
  /** Cores of the machine, from /proc/stat's total over the window. */
  cores: number;
  /** CPU seconds by role, over processes present at both ends of the window. */
  byRole: Record<string, number>;
  /** CPU seconds of this process (the load generator). */
  loadGenerator: number;
  /** CPU seconds of the machine not spent by the wrangler group or this process. */
  other: number;
  /** Busiest thread of the runtime workerd, as a share of one core, 0..1. */
  busiestThread: number;
  /** Runtime workerd threads that used more than 5 % of a core. */
  activeThreads: number;
  /** Processes that appeared or vanished during the window (their time is not counted). */
  changed: number;
}

/** CPU use between two samples of the same group. */
export function cpuBetween(a: CpuSample, b: CpuSample): CpuWindow {
  const seconds = (b.atMs - a.atMs) / 1000;
  const byRole: Record<string, number> = {};
  let changed = 0;
  let busiestThread = 0;
  let activeThreads = 0;
  for (const [pid, end] of b.processes) {
    const start = a.processes.get(pid);
    if (!start) {
      changed++;
      continue;
    }
    byRole[end.role] = (byRole[end.role] ?? 0) + (end.cpuSeconds - start.cpuSeconds);
    for (const [tid, t] of end.threads) {
      const used = t - (start.threads.get(tid) ?? t);
      const share = seconds > 0 ? used / seconds : NaN;
      if (share > busiestThread) busiestThread = share;
      if (share > 0.05) activeThreads++;
    }
  }
  for (const pid of a.processes.keys()) if (!b.processes.has(pid)) changed++;
  const loadGenerator = b.selfSeconds - a.selfSeconds;
  let machineBusy = NaN;
  let cores = NaN;
  let other = NaN;
  if (a.machine && b.machine && seconds > 0) {
    const total = b.machine.total - a.machine.total;
    const busy = b.machine.busy - a.machine.busy;
    machineBusy = total > 0 ? busy / total : NaN;
    cores = Math.round(total / seconds);
    const group = Object.values(byRole).reduce((s, x) => s + x, 0);
    other = Math.max(0, busy - group - loadGenerator);
  }
  return { seconds, machineBusy, cores, byRole, loadGenerator, other, busiestThread, activeThreads, changed };
}

/**
 * Resident memory of a process in bytes from /proc/<pid>/status (proc(5)): VmRSS, split into
 * RssAnon (heap and other private memory) and RssFile + RssShmem (pages of mapped files and
 * shared memory, e.g. a memory-mapped database, which the kernel can drop); NaN when unreadable.
 */
export function residentMemory(pid: number): { rss: number; anon: number; file: number } {
  const status = readText(`/proc/${pid}/status`) ?? "";
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { rss: field("VmRSS"), anon: field("RssAnon"), file: field("RssFile") + field("RssShmem") };
}
