import { describe, expect, it } from "vitest";
import { AdjustedCountError, estimateCounts, type Observation } from "../../src/core/estimate";
import { inSample, samplingFor } from "../../src/core/sampling";
import { prng as seeded } from "../support/prng";

describe("estimateCounts", () => {
  it("sums weights and w(w−1) per value and in total", () => {
    const observations: Observation[] = [
      { value: "approve", adjusted_count: 10 },
      { value: "approve", adjusted_count: 10 },
      { value: "deny", adjusted_count: 4 },
      { value: "deny", adjusted_count: 1 },
      { value: "review", adjusted_count: 1 },
    ];
    const { values, total } = estimateCounts(observations);
    expect(values).toEqual([
      { value: "approve", count: 20, variance: 180, standard_error: Math.sqrt(180), observed: 2 },
      { value: "deny", count: 5, variance: 12, standard_error: Math.sqrt(12), observed: 2 },
      { value: "review", count: 1, variance: 0, standard_error: 0, observed: 1 },
    ]);
    expect(total).toEqual({ count: 26, variance: 192, standard_error: Math.sqrt(192), observed: 5 });
  });

  it("is exact (zero error) when every event is retained", () => {
    const { values, total } = estimateCounts(["a", "b", "a"].map((value) => ({ value, adjusted_count: 1 })));
    expect(values.map((v) => [v.value, v.count, v.standard_error])).toEqual([
      ["a", 2, 0],
      ["b", 1, 0],
    ]);
    expect(total.count).toBe(3);
  });

  it("orders ties by value and handles no observations", () => {
    const { values } = estimateCounts([
      { value: "b", adjusted_count: 2 },
      { value: "a", adjusted_count: 2 },
    ]);
    expect(values.map((v) => v.value)).toEqual(["a", "b"]);
    expect(estimateCounts([])).toEqual({
      values: [],
      total: { count: 0, variance: 0, standard_error: 0, observed: 0 },
    });
  });

  it("handles value names that are Object.prototype members", () => {
    const { values } = estimateCounts([
      { value: "__proto__", adjusted_count: 3 },
      { value: "constructor", adjusted_count: 2 },
    ]);
    expect(values.map((v) => [v.value, v.count])).toEqual([
      ["__proto__", 3],
      ["constructor", 2],
    ]);
  });

  it.each([0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses adjusted_count %s", (w) => {
    expect(() =>
      estimateCounts([
        { value: "a", adjusted_count: 2 },
        { value: "a", adjusted_count: w },
      ]),
    ).toThrow(AdjustedCountError);
  });

  // 100,000 decisions with outputs drawn 70/25/5% from a seeded PRNG, sampled with inSample at
  // 10%. The seed and the ids are fixed, so this is deterministic: it checks that the
  // estimator and its standard error are right on one realistic realization, where a 3 SE
  // miss would have probability about 0.3% per value for a fresh draw.
  it("recovers a known distribution from a 10% consistent sample within 3 standard errors", () => {
    const random = seeded(20260301);
    const rate = 0.1;
    const { adjusted_count } = samplingFor(rate);
    const truth = new Map<string, number>();
    const observations: Observation[] = [];
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = random();
      const output = u < 0.7 ? "approve" : u < 0.95 ? "deny" : "review";
      truth.set(output, (truth.get(output) ?? 0) + 1);
      if (inSample(`loan-${i}`, rate)) observations.push({ value: output, adjusted_count });
    }
    const { values, total } = estimateCounts(observations);
    expect(values.map((v) => v.value)).toEqual(["approve", "deny", "review"]);
    for (const estimate of values) {
      const actual = truth.get(estimate.value)!;
      expect(estimate.standard_error).toBeGreaterThan(0);
      expect(Math.abs(estimate.count - actual), estimate.value).toBeLessThanOrEqual(
        3 * estimate.standard_error,
      );
    }
    expect(Math.abs(total.count - n)).toBeLessThanOrEqual(3 * total.standard_error);
    // The sample really is a sample: about a tenth of the events, not all of them.
    expect(total.observed).toBeGreaterThan(n * 0.09);
    expect(total.observed).toBeLessThan(n * 0.11);
  }, 60_000);
});
