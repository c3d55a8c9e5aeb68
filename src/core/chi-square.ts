/**
 * Pearson's chi-square goodness-of-fit test (Pearson, 1900) and the chi-square survival
 * function it needs, with no dependency: the p-value of a statistic X² with k degrees of
 * freedom is Q(k/2, X²/2), the regularized upper incomplete gamma function.
 *
 * Q(a, x) = Γ(a, x) / Γ(a) is evaluated the classical way: below x = a + 1 through the series of
 * the lower function P = 1 − Q (it converges fast there), above through the continued fraction
 * of the upper one (evaluated with the modified Lentz method), so neither suffers cancellation
 * where the other would. Degrees of freedom are whole numbers here, so a = k/2 is a whole or
 * half-whole number and ln Γ(a) is summed exactly from Γ(n) = (n − 1)! and
 * Γ(n + ½) = √π · ½ · 3/2 · … · (n − ½), with no approximation formula.
 */

/** A statistical input outside the function's domain; says what was expected and found. */
export class StatisticsInputError extends Error {
  readonly expected: string;
  readonly found: string;
  constructor(what: string, expected: string, found: string) {
    super(`${what}: expected ${expected}, found ${found}`);
    this.name = "StatisticsInputError";
    this.expected = expected;
    this.found = found;
  }
}

const EPSILON = 1e-15;
const MAX_ITERATIONS = 10_000;
/** Smallest magnitude the Lentz method lets a denominator take (avoids dividing by zero). */
const TINY = 1e-300;

/**
 * ln Γ(a) for a whole or half-whole a > 0.
 * Precondition: 2a is a positive whole number (checked).
 */
export function lnGammaHalfInteger(a: number): number {
  if (!(a > 0) || !Number.isInteger(2 * a)) {
    throw new StatisticsInputError("lnGammaHalfInteger", "a whole or half-whole number > 0", String(a));
  }
  let sum = 0;
  if (Number.isInteger(a)) {
    for (let k = 2; k < a; k++) sum += Math.log(k);
    return sum;
  }
  sum = 0.5 * Math.log(Math.PI);
  for (let z = 0.5; z < a; z += 1) sum += Math.log(z);
  return sum;
}

/**
 * Q(a, x) = Γ(a, x) / Γ(a), the regularized upper incomplete gamma function.
 * Preconditions: 2a is a positive whole number; x ≥ 0 (both checked).
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(x >= 0) || !Number.isFinite(x))
    throw new StatisticsInputError("regularizedGammaQ", "x ≥ 0 and finite", String(x));
  const lnGammaA = lnGammaHalfInteger(a);
  if (x === 0) return 1;
  // ln of x^a e^(−x) / Γ(a), the factor both expansions share.
  const lnFront = a * Math.log(x) - x - lnGammaA;
  if (x < a + 1) return Math.max(0, 1 - Math.exp(lnFront) * lowerSeries(a, x));
  return Math.exp(lnFront) * upperContinuedFraction(a, x);
}

/** Σ_{n≥0} x^n / (a (a+1) … (a+n)); P(a, x) = x^a e^(−x) / Γ(a) times this. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) return sum;
  }
  throw new StatisticsInputError(
    "regularizedGammaQ series",
    `convergence within ${MAX_ITERATIONS} terms`,
    `a=${a}, x=${x}`,
  );
}

/**
 * The continued fraction 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))) of
 * Γ(a, x) e^x x^(−a), evaluated with the modified Lentz method.
 */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < EPSILON) return h;
  }
  throw new StatisticsInputError(
    "regularizedGammaQ continued fraction",
    `convergence within ${MAX_ITERATIONS} terms`,
    `a=${a}, x=${x}`,
  );
}

/**
 * P(X ≥ statistic) for X chi-square distributed with `df` degrees of freedom: the p-value.
 * Preconditions: df a whole number ≥ 1; statistic ≥ 0 (both checked).
 */
export function chiSquareSurvival(statistic: number, df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new StatisticsInputError("chiSquareSurvival degrees of freedom", "a whole number ≥ 1", String(df));
  return regularizedGammaQ(df / 2, statistic / 2);
}

export interface GoodnessOfFit {
  /** Pearson's X² = Σ (observed − expected)² / expected. */
  statistic: number;
  /** Categories − 1. */
  df: number;
  pValue: number;
  /** Expected counts: total × share. */
  expected: number[];
  /** The smallest expected count; below 5 the chi-square approximation is poor. */
  minExpected: number;
}

/**
 * Pearson's chi-square goodness-of-fit test of `observed` counts against `shares` (the
 * probability of each category; normalized here so they need not sum to exactly 1).
 * Preconditions: at least two categories, same lengths, counts whole and ≥ 0 with a positive
 * total, shares > 0 (all checked).
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  shares: readonly number[],
): GoodnessOfFit {
  if (observed.length < 2)
    throw new StatisticsInputError(
      "chiSquareGoodnessOfFit categories",
      "at least 2",
      String(observed.length),
    );
  if (shares.length !== observed.length) {
    throw new StatisticsInputError(
      "chiSquareGoodnessOfFit shares",
      `${observed.length} (one per category)`,
      String(shares.length),
    );
  }
  for (const o of observed) {
    if (!Number.isInteger(o) || o < 0)
      throw new StatisticsInputError("chiSquareGoodnessOfFit count", "a whole number ≥ 0", String(o));
  }
  for (const s of shares) {
    if (!(s > 0) || !Number.isFinite(s))
      throw new StatisticsInputError("chiSquareGoodnessOfFit share", "a finite number > 0", String(s));
  }
  const total = observed.reduce((n, o) => n + o, 0);
  if (total === 0) throw new StatisticsInputError("chiSquareGoodnessOfFit total", "> 0", "0");
  const shareSum = shares.reduce((n, s) => n + s, 0);
  const expected = shares.map((s) => (total * s) / shareSum);
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const diff = observed[i]! - expected[i]!;
    statistic += (diff * diff) / expected[i]!;
  }
  const df = observed.length - 1;
  return {
    statistic,
    df,
    pValue: chiSquareSurvival(statistic, df),
    expected,
    minExpected: Math.min(...expected),
  };
}
