// The benchmark scripts still run: a quick run of the two figures that need no `wrangler dev`
// must produce well-formed tables, and the helpers they rest on must compute what they claim.
// No timing is asserted anywhere: the numbers of a quick run are meaningless by design.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BREAKAGES, createEventGenerator, invalidEvents, meanSizeByTier } from "../../bench/src/events";
import { hotFunctions } from "../../bench/src/cpu-profile";
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

describe("bench/run.mjs --quick", () => {
  mkdirSync(join(REPO_ROOT, "bench", ".build"), { recursive: true });
  const buildDir = mkdtempSync(join(REPO_ROOT, "bench", ".build", "smoke-"));
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  it("runs the Node-only figures and renders their tables", () => {
    const out = join(buildDir, "quick.md");
    const run = spawnSync(process.execPath, ["bench/run.mjs", "--quick", "merkle", "proofs", "--build-dir", buildDir, "--out", out], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
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
});
