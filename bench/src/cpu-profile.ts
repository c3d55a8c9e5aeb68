/**
 * Summary of a V8 CPU profile (`node --cpu-prof`): self time per function, highest first, so
 * RESULTS.md can say where the time of a missed target goes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { table } from "./report";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfPercent: number;
}

export function hotFunctions(profile: CpuProfile, top: number): HotFunction[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  // timeDeltas[i] is the time before sample i: attribute it to the sampled node.
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node || dt <= 0) continue;
    const frame = node.callFrame;
    if (frame.functionName === "(idle)") continue;
    const where = frame.url ? `${basename(frame.url)}:${frame.lineNumber + 1}` : "";
    const key = `${frame.functionName}@${where}`;
    const entry = selfUs.get(key) ?? { name: frame.functionName || "(anonymous)", where, us: 0 };
    entry.us += dt;
    selfUs.set(key, entry);
    total += dt;
  }
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({ name: e.name, where: e.where, selfPercent: (100 * e.us) / total }));
}

/**
 * Inclusive time (the function and everything it calls) of each named function, as a share of
 * all non-idle samples; names absent from the profile are left out. Recursive calls count once.
 */
export function inclusiveShares(
  profile: CpuProfile,
  names: readonly string[],
): Array<{ name: string; percent: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node || dt <= 0 || node.callFrame.functionName === "(idle)") continue;
    self.set(node.id, (self.get(node.id) ?? 0) + dt);
    total += dt;
  }
  const subtree = new Map<number, number>();
  const sum = (id: number): number => {
    const known = subtree.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    let t = self.get(id) ?? 0;
    for (const c of node.children ?? []) t += sum(c);
    subtree.set(id, t);
    return t;
  };
  const wanted = new Set(names);
  const shares = new Map<string, number>();
  // Walk from the roots, so a function is counted at its outermost call only.
  const roots = profile.nodes.filter((n) => !profile.nodes.some((p) => p.children?.includes(n.id)));
  const walk = (id: number, open: ReadonlySet<string>): void => {
    const name = byId.get(id)!.callFrame.functionName;
    let inside = open;
    if (wanted.has(name) && !open.has(name)) {
      shares.set(name, (shares.get(name) ?? 0) + sum(id));
      inside = new Set(open).add(name);
    }
    for (const c of byId.get(id)!.children ?? []) walk(c, inside);
  };
  for (const r of roots) walk(r.id, new Set());
  return names
    .filter((n) => shares.has(n))
    .map((name) => ({ name, percent: (100 * shares.get(name)!) / total }));
}

/** Runs `node --cpu-prof <args>` and returns the top functions by self time. */
export function profileNode(args: string[], top = 12): HotFunction[] {
  const dir = mkdtempSync(join(tmpdir(), "edgelog-prof-"));
  try {
    execFileSync(process.execPath, ["--no-warnings", "--cpu-prof", "--cpu-prof-dir", dir, ...args], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("node --cpu-prof wrote no profile");
    return hotFunctions(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile, top);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderHotFunctions(hot: readonly HotFunction[]): string {
  return table(
    ["self time", "function", "where"],
    hot.map((h) => [`${h.selfPercent.toFixed(1)} %`, `\`${h.name}\``, h.where ? `\`${h.where}\`` : ""]),
  );
}
