/** What the numbers were measured on, for the head of RESULTS.md. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  workerd: string;
  wrangler: string;
  commit: string;
  loadAverage: string;
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

export function describeMachine(repoRoot: string): Machine {
  let cpuModel = cpus()[0]?.model ?? "unknown";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) cpuModel = line.split(":").slice(1).join(":").trim();
  } catch {
    // not Linux: os.cpus() is the best available
  }
  const wranglerPkg = JSON.parse(
    readFileSync(join(repoRoot, "node_modules/wrangler/package.json"), "utf8"),
  ) as { version: string };
  return {
    date: new Date().toISOString(),
    cpuModel,
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    workerd: run(join(repoRoot, "node_modules/.bin/workerd"), ["--version"], repoRoot),
    wrangler: wranglerPkg.version,
    commit: run("git", ["rev-parse", "--short", "HEAD"], repoRoot),
    loadAverage: loadAverage(),
  };
}

/** The load average now (1, 5, 15 min), as the head of RESULTS.md writes it. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}
