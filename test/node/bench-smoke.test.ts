// The benchmark scripts still run: a quick run of the two figures that need no `wrangler dev`
// must produce well-formed tables, and the helpers they rest on must compute what they claim.
// No timing is asserted anywhere: the numbers of a quick run are meaningless by design.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BREAKAGES, createEventGenerator, invalidEvents, meanSizeByTier } from "../../bench/src/events";
import { hotFunctions } from "../../bench/src/cpu-profile";
import {
  cpuBetween,
  parseMachineLine,
  parseStatLine,
  roleOf,
  type CpuSample,
} from "../../bench/src/proc-cpu";
import { roundOrder } from "../../bench/src/figures/shards";
import { mergeResults } from "../../bench/merge-results.mjs";
import { quantile, median } from "../../bench/src/stats";
import { validateEvent } from "../../src/validate/index";
import { REPO_ROOT } from "./support/wrangler-dev";

const VERDICTS = new Set(["met", "missed", "no target", "TODO"]);

describe("bench helpers", () => {
  it("quantile interpolates between closest ranks and ignores input order", () => {
    expect(quantile([4, 1, 3, 2], 0)).toBe(1);
    expect(quantile([4, 1, 3, 2], 1)).toBe(4);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20], 0.99)).toBeCloseTo(19.9, 10);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it("the event generator yields valid DES events of the requested tier, reproducibly", () => {
    const a = createEventGenerator({ seed: 9 });
    const b = createEventGenerator({ seed: 9 });
    for (const tier of ["lightweight", "sampled", "full"] as const) {
      const event = a.next(tier);
      expect(validateEvent(event)).toMatchObject({ ok: true });
      expect((event.temporal_metadata as { evidence_tier: string }).evidence_tier).toBe(tier);
      expect(JSON.stringify(b.next(tier))).toBe(JSON.stringify(event));
    }
    const mixed = Array.from({ length: 300 }, () => a.next());
    expect(mixed.every((e) => validateEvent(e).ok)).toBe(true);
    const sizes = meanSizeByTier(mixed);
    expect(sizes.lightweight).toBeLessThan(sizes.sampled);
    expect(sizes.sampled).toBeLessThan(sizes.full);
  });

  it("every breakage makes an event invalid", () => {
    const broken = invalidEvents(createEventGenerator({ seed: 5 }), BREAKAGES.length * 2);
    for (const [i, event] of broken.entries()) {
      expect(validateEvent(event).ok, BREAKAGES[i % BREAKAGES.length]![0]).toBe(false);
    }
  });

  it("hotFunctions attributes sample time to functions, highest self time first", () => {
    const frame = (functionName: string) => ({ functionName, url: "file:///x/a.js", lineNumber: 0 });
    const hot = hotFunctions(
      {
        nodes: [
          { id: 1, callFrame: frame("(idle)") },
          { id: 2, callFrame: frame("hash") },
          { id: 3, callFrame: frame("walk") },
        ],
        samples: [2, 3, 2, 1, 2],
        timeDeltas: [10, 10, 10, 50, 10],
      },
      5,
    );
    expect(hot.map((h) => h.name)).toEqual(["hash", "walk"]);
    expect(hot[0]!.selfPercent).toBeCloseTo(75, 10);
    expect(hot[0]!.where).toBe("a.js:1");
  });
});

describe("shards figure helpers", () => {
  it("roundOrder gives every shard count every position once over as many rounds", () => {
    const rounds = [0, 1, 2].map((r) => roundOrder([1, 2, 4], r));
    expect(rounds).toEqual([
      [1, 2, 4],
      [2, 4, 1],
      [4, 1, 2],
    ]);
    for (const position of [0, 1, 2]) expect(new Set(rounds.map((o) => o[position])).size).toBe(3);
  });

  it("parseStatLine reads state, group and utime + stime after a comm holding spaces and parentheses", () => {
    // Fields 3.. of proc(5): state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = "4242 (work (er) d) S 1 4200 4200 0 -1 4194560 10 0 0 0 250 50 0 0 20 0 9 0 100 0 0";
    const parsed = parseStatLine(line);
    expect(parsed).not.toBeNull();
    expect(parsed!.comm).toBe("work (er) d");
    expect(parsed!.state).toBe("S");
    expect(parsed!.pgrp).toBe(4200);
    // 300 ticks; USER_HZ is 100 on Linux builds this runs on, but do not assume it: compare with a 150-tick line.
    const half = parseStatLine(line.replace(" 250 50 ", " 100 50 "))!;
    expect(parsed!.cpuSeconds).toBeCloseTo(half.cpuSeconds * 2, 10);
    expect(parseStatLine("garbage")).toBeNull();
  });

  it("parseMachineLine counts idle and iowait as not busy", () => {
    const m = parseMachineLine("cpu  100 0 50 800 50 0 0 0 0 0")!;
    expect(m.busy / m.total).toBeCloseTo(150 / 1000, 10);
    expect(parseMachineLine("intr 1 2 3")).toBeNull();
  });

  it("roleOf tells the entry proxy (public port) from the runtime workerd", () => {
    expect(roleOf("workerd", ["serve", "--socket-addr=entry=127.0.0.1:8787"], 8787)).toBe(
      "workerd entry proxy",
    );
    expect(roleOf("workerd", ["serve", "--socket-addr=entry=127.0.0.1:0"], 8787)).toBe("workerd runtime");
    expect(roleOf("node", [], 8787)).toBe("wrangler (Node)");
    expect(roleOf("esbuild", [], 8787)).toBe("esbuild");
  });

  it("cpuBetween attributes CPU by role, finds the busiest runtime thread and the machine's share", () => {
    const proc = (pid: number, role: string, cpuSeconds: number, threads: Array<[number, number]> = []) => ({
      pid,
      comm: "x",
      role,
      cpuSeconds,
      threads: new Map(threads),
    });
    const a: CpuSample = {
      atMs: 0,
      machine: { busy: 10, total: 100 },
      processes: new Map([
        [
          1,
          proc(1, "workerd runtime", 5, [
            [1, 4],
            [2, 1],
          ]),
        ],
        [2, proc(2, "workerd entry proxy", 1)],
        [3, proc(3, "gone", 1)],
      ]),
      selfSeconds: 2,
    };
    const b: CpuSample = {
      atMs: 2_000,
      machine: { busy: 13.5, total: 104 },
      processes: new Map([
        [
          1,
          proc(1, "workerd runtime", 7, [
            [1, 5.9],
            [2, 1.05],
          ]),
        ],
        [2, proc(2, "workerd entry proxy", 1.4)],
        [4, proc(4, "new", 0)],
      ]),
      selfSeconds: 2.6,
    };
    const w = cpuBetween(a, b);
    expect(w.seconds).toBe(2);
    expect(w.byRole["workerd runtime"]).toBeCloseTo(2, 10);
    expect(w.byRole["workerd entry proxy"]).toBeCloseTo(0.4, 10);
    expect(w.busiestThread).toBeCloseTo(0.95, 10);
    expect(w.activeThreads).toBe(1);
    expect(w.loadGenerator).toBeCloseTo(0.6, 10);
    expect(w.cores).toBe(2);
    expect(w.machineBusy).toBeCloseTo(3.5 / 4, 10);
    expect(w.other).toBeCloseTo(3.5 - 2.4 - 0.6, 10);
    expect(w.changed).toBe(2);
  });
});

describe("bench/merge-results.mjs", () => {
  const machine = (date: string, commit: string) => ({ date, commit, cpuModel: "cpu", loadAverage: "1 1 1" });
  const figure = (id: string, value: string, run?: object) => ({ id, value, ...(run ? { run } : {}) });

  it("replaces the figures a run measured, keeps the others with the run they came from, in order", () => {
    const committed = {
      machine: machine("2026-01-01T00:00:00.000Z", "aaaaaaa"),
      command: "npm run bench",
      figures: [
        figure("ingest", "old"),
        figure("cost", "old"),
        figure("steady", "old", { command: "node bench/run.mjs steady", commit: "bbbbbbb" }),
        figure("retired", "old"),
      ],
    };
    const fresh = {
      machine: machine("2026-02-01T00:00:00.000Z", "ccccccc"),
      command: "node bench/run.mjs cost",
      figures: [figure("cost", "new", { command: "node bench/run.mjs cost", commit: "ccccccc" })],
    };
    const merged = mergeResults(committed, fresh, ["ingest", "cost", "steady"]);
    expect(merged.command).toBe("node bench/run.mjs cost");
    expect(merged.machine.commit).toBe("ccccccc");
    expect(merged.figures.map((f) => [f.id, (f as { value: string }).value])).toEqual([
      ["ingest", "old"],
      ["cost", "new"],
      ["steady", "old"],
    ]);
    // A result without a stamp gets its file's machine line; a stamped one keeps its own.
    expect(merged.figures[0]!.run).toMatchObject({ command: "npm run bench", commit: "aaaaaaa", cpu: "cpu" });
    expect(merged.figures[2]!.run).toMatchObject({ commit: "bbbbbbb" });
  });
});

describe("bench/run.mjs --quick", () => {
  mkdirSync(join(REPO_ROOT, "bench", ".build"), { recursive: true });
  const buildDir = mkdtempSync(join(REPO_ROOT, "bench", ".build", "smoke-"));
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  it("runs the Node-only figures and renders their tables", () => {
    const out = join(buildDir, "quick.md");
    const run = spawnSync(
      process.execPath,
      ["bench/run.mjs", "--quick", "merkle", "proofs", "--build-dir", buildDir, "--out", out],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
    const markdown = readFileSync(out, "utf8");
    expect(markdown).toMatch(/^# edgelog benchmark results/);
    expect(markdown).toContain("## 3. Merkle batch roots and inclusion proofs (Node)");
    expect(markdown).toContain("## 4. Proofs at size");
    expect(markdown).toMatch(/\| command \| `node bench\/run\.mjs --quick merkle proofs/);

    const results = JSON.parse(readFileSync(join(buildDir, "results.json"), "utf8")) as {
      machine: { cores: number; node: string };
      figures: Array<{ id: string; rows: Array<{ value: string; ratio: string; verdict: string }> }>;
    };
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.node).toMatch(/^v\d+\./);
    expect(results.figures.map((f) => f.id)).toEqual(["merkle", "proofs"]);
    for (const figure of results.figures) {
      expect(figure.rows.length).toBeGreaterThan(0);
      for (const row of figure.rows) {
        expect(VERDICTS.has(row.verdict), row.verdict).toBe(true);
        expect(row.value).not.toBe("failed");
        if (row.ratio !== "—") expect(row.ratio).toMatch(/^[0-9.]+×$/);
      }
    }
  });

  it("runs the shards figure against wrangler dev and explains it with measured CPU", () => {
    const out = join(buildDir, "shards.md");
    const run = spawnSync(
      process.execPath,
      ["bench/run.mjs", "--quick", "shards", "--build-dir", buildDir, "--out", out],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        timeout: 110_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const markdown = readFileSync(out, "utf8");
    expect(markdown).toContain("## 7. Scale-out: ingest with 1, 2 and 4 shards");
    expect(markdown).toMatch(
      /\*\*Result\.\*\* On this machine, throughput (rose|fell|did not rise) with shards/,
    );
    const results = JSON.parse(readFileSync(join(buildDir, "results.json"), "utf8")) as {
      figures: Array<{
        id: string;
        rows: Array<{ value: string; ratio: string; verdict: string }>;
        raw: {
          tenants: Array<{ shards: number; generations: number }>;
          shardSizes: Record<string, Array<{ events: number }> | string>;
        };
      }>;
    };
    const figure = results.figures.find((f) => f.id === "shards")!;
    expect(figure.rows.length).toBeGreaterThan(0);
    for (const row of figure.rows) {
      expect(row.value).not.toBe("failed");
      expect(row.ratio).toMatch(/^[0-9.]+×$/);
    }
    expect(figure.raw.tenants.map((t) => t.shards)).toEqual([1, 2, 4]);
    // Every shard of the 4-shard tenant received events: routing by decision_id spreads them.
    const four = figure.raw.shardSizes["4"];
    expect(Array.isArray(four), String(four)).toBe(true);
    expect((four as Array<{ events: number }>).map((l) => l.events > 0)).toEqual([true, true, true, true]);
  });

  it("runs the sequencer and cost figures against the real LogShard, counting billed rows", () => {
    const out = join(buildDir, "sequencer.md");
    const run = spawnSync(
      process.execPath,
      ["bench/run.mjs", "--quick", "sequencer", "cost", "--build-dir", buildDir, "--out", out],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 170_000 },
    );
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const markdown = readFileSync(out, "utf8");
    expect(markdown).toContain("## 9. Sequencer capacity");
    expect(markdown).toContain("## 10. Worker CPU, billed rows and cost per million events");
    const results = JSON.parse(readFileSync(join(buildDir, "results.json"), "utf8")) as {
      figures: Array<{
        id: string;
        run: { commit: string };
        rows: Array<{ value: string; ratio: string; verdict: string }>;
        raw: {
          rowsPerEvent?: number;
          before?: { events: number };
          after?: { events: number; batches: number };
        };
      }>;
    };
    for (const figure of results.figures) {
      expect(figure.run.commit).toMatch(/^[0-9a-f]{7,}$|^unknown$/);
      for (const row of figure.rows) {
        expect(row.value).not.toBe("failed");
        expect(VERDICTS.has(row.verdict), row.verdict).toBe(true);
      }
    }
    const cost = results.figures.find((f) => f.id === "cost")!;
    // Every accepted event writes its two index rows, so fewer than 2 rows per event means the
    // meter missed writes; the fill must have been sealed into batches.
    expect(cost.raw.rowsPerEvent).toBeGreaterThanOrEqual(2);
    expect(cost.raw.rowsPerEvent).toBeLessThan(3);
    expect(cost.raw.after!.events - cost.raw.before!.events).toBeGreaterThan(0);
    expect(cost.raw.after!.batches).toBeGreaterThan(0);
  });
});
