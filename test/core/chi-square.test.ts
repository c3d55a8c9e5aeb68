import { describe, expect, it } from "vitest";
import {
  chiSquareGoodnessOfFit,
  chiSquareSurvival,
  lnGammaHalfInteger,
  regularizedGammaQ,
  StatisticsInputError,
} from "../../src/core/chi-square";

/**
 * Expected values come from closed forms of the chi-square survival function, worked by hand,
 * and from printed critical-value tables — never from the code under test:
 *   df = 1: Q(½, x/2) = erfc(√(x/2)) = 2 (1 − Φ(√x))
 *   df = 2: Q(1, x/2) = e^(−x/2)
 *   df = 3: Q(3/2, x/2) = erfc(√(x/2)) + √(2x/π) e^(−x/2)
 *   df = 4: Q(2, x/2) = e^(−x/2) (1 + x/2)
 * erfc values were evaluated once with a calculator's erfc (and agree with normal tables to
 * the digits printed there) and are written down below.
 */
describe("chi-square survival function", () => {
  it("A/B counts 5,000 vs 5,200 at 50/50: X² = 3.92157, p = 0.04767 — not a sample-ratio mismatch", () => {
    // total 10,200 → expected 5,100 each; X² = (100² + 100²) / 5,100 = 20,000 / 5,100 = 3.921569.
    // df = 1: p = erfc(√(3.921569 / 2)) = erfc(1.400280) = 0.0476704
    //   (normal table: √3.921569 = 1.98030, Φ(1.98) = 0.97615 → p ≈ 2 × 0.02385 = 0.0477).
    const fit = chiSquareGoodnessOfFit([5000, 5200], [0.5, 0.5]);
    expect(fit.expected).toEqual([5100, 5100]);
    expect(fit.df).toBe(1);
    expect(fit.statistic).toBeCloseTo(3.9215686, 6);
    expect(fit.pValue).toBeCloseTo(0.0476704, 6);
    expect(fit.pValue).toBeGreaterThan(0.001);
  });

  it("5,000 vs 5,400 at 50/50: X² = 15.3846, p = 8.770e-5 — a mismatch at p < 0.001", () => {
    // total 10,400 → expected 5,200 each; X² = 2 × 200² / 5,200 = 15.384615.
    // p = erfc(√7.692308) = erfc(2.773501) = 8.76994e-5.
    const fit = chiSquareGoodnessOfFit([5000, 5400], [0.5, 0.5]);
    expect(fit.statistic).toBeCloseTo(15.384615, 5);
    expect(fit.pValue / 8.76994e-5).toBeCloseTo(1, 4);
    expect(fit.pValue).toBeLessThan(0.001);
  });

  it("2% of one arm's exposures lost at 5,000 subjects per arm is not detectable (p = 0.315)", () => {
    // 5,000 vs 4,900: expected 4,950 each, X² = 2 × 50² / 4,950 = 1.010101, p = erfc(√0.505051) = 0.314879.
    const fit = chiSquareGoodnessOfFit([5000, 4900], [0.5, 0.5]);
    expect(fit.statistic).toBeCloseTo(1.010101, 5);
    expect(fit.pValue).toBeCloseTo(0.314879, 5);
  });

  it("three arms 3,300 / 3,300 / 3,400 at ⅓ each: X² = 2, p = e^(−1)", () => {
    // expected 3,333.33 each; X² = (33.33² + 33.33² + 66.67²) / 3,333.33 = 6,666.67 / 3,333.33 = 2.
    const fit = chiSquareGoodnessOfFit([3300, 3300, 3400], [1, 1, 1]);
    expect(fit.df).toBe(2);
    expect(fit.statistic).toBeCloseTo(2, 10);
    expect(fit.pValue).toBeCloseTo(Math.exp(-1), 12);
  });

  it("unequal allocation 90/10: expected counts follow the shares", () => {
    // 1,000 subjects at 0.9/0.1 → expected 900 and 100; observed 880/120:
    // X² = 20²/900 + 20²/100 = 0.444444 + 4 = 4.444444, p = erfc(√2.222222) = 0.0350150.
    const fit = chiSquareGoodnessOfFit([880, 120], [0.9, 0.1]);
    expect(fit.expected[0]).toBeCloseTo(900, 9);
    expect(fit.expected[1]).toBeCloseTo(100, 9);
    expect(fit.statistic).toBeCloseTo(4.444444, 5);
    expect(fit.pValue).toBeCloseTo(0.035015, 6);
  });

  it("matches printed critical values (upper-tail 0.05 and 0.001 tables)", () => {
    // χ² table: df 1 → 3.841 (0.05), 10.828 (0.001); df 2 → 13.816 (0.001); df 3 → 7.815 (0.05),
    // 16.266 (0.001); df 10 → 18.307 (0.05); df 30 → 43.773 (0.05); df 100 → 124.342 (0.05).
    const rows: Array<[number, number, number]> = [
      [3.841, 1, 0.05],
      [10.828, 1, 0.001],
      [13.816, 2, 0.001],
      [7.815, 3, 0.05],
      [16.266, 3, 0.001],
      [18.307, 10, 0.05],
      [43.773, 30, 0.05],
      [124.342, 100, 0.05],
    ];
    for (const [x, df, p] of rows) {
      // Tables print three decimals of x, so the p-value matches to about 0.1%.
      expect(Math.abs(chiSquareSurvival(x, df) / p - 1), `df ${df}, x ${x}`).toBeLessThan(2e-3);
    }
  });

  it("agrees with the closed forms for df 2, 3 and 4 across the range", () => {
    for (const x of [0.01, 0.5, 1, 2.5, 5, 10, 30, 60]) {
      expect(chiSquareSurvival(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 12);
      expect(chiSquareSurvival(x, 4) / (Math.exp(-x / 2) * (1 + x / 2))).toBeCloseTo(1, 11);
    }
    // df 3 at x = 1: erfc(√0.5) + √(2/π) e^(−0.5) = 0.3173105 + 0.4839414 = 0.8012520.
    expect(chiSquareSurvival(1, 3)).toBeCloseTo(0.801252, 6);
    // df 4 at x = 30 by hand: e^(−15) × 16 = 3.0590232e-7 × 16 = 4.8944371e-6.
    expect(chiSquareSurvival(30, 4) / 4.8944371e-6).toBeCloseTo(1, 7);
  });

  it("keeps relative precision far in the tail (df 1, x = 100: erfc(√50) = 1.52397e-23)", () => {
    expect(chiSquareSurvival(100, 1) / 1.5239706e-23).toBeCloseTo(1, 6);
  });

  it("is 1 at 0 and decreases", () => {
    expect(chiSquareSurvival(0, 1)).toBe(1);
    let last = 1;
    for (let x = 0.25; x < 40; x += 0.25) {
      const p = chiSquareSurvival(x, 3);
      expect(p).toBeLessThan(last);
      last = p;
    }
  });

  it("ln Γ of whole and half-whole numbers is exact", () => {
    expect(lnGammaHalfInteger(1)).toBe(0);
    expect(lnGammaHalfInteger(2)).toBe(0);
    expect(lnGammaHalfInteger(5)).toBeCloseTo(Math.log(24), 13); // 4!
    expect(lnGammaHalfInteger(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14); // √π
    expect(lnGammaHalfInteger(2.5)).toBeCloseTo(Math.log(0.75 * Math.sqrt(Math.PI)), 13); // ½ · 3/2 · √π
  });

  it("refuses inputs outside its domain, naming expected and found", () => {
    expect(() => chiSquareSurvival(1, 0)).toThrow(StatisticsInputError);
    expect(() => chiSquareSurvival(1, 1.5)).toThrow(/whole number ≥ 1, found 1.5/);
    expect(() => chiSquareSurvival(-1, 1)).toThrow(/x ≥ 0 and finite, found -0.5/);
    expect(() => regularizedGammaQ(0.3, 1)).toThrow(/half-whole number > 0, found 0.3/);
    expect(() => chiSquareGoodnessOfFit([1], [1])).toThrow(/at least 2, found 1/);
    expect(() => chiSquareGoodnessOfFit([1, 2], [1])).toThrow(/2 \(one per category\), found 1/);
    expect(() => chiSquareGoodnessOfFit([0, 0], [1, 1])).toThrow(/> 0, found 0/);
    expect(() => chiSquareGoodnessOfFit([1, 2], [1, 0])).toThrow(/finite number > 0, found 0/);
    expect(() => chiSquareGoodnessOfFit([1.5, 2], [1, 1])).toThrow(/whole number ≥ 0, found 1.5/);
  });
});
