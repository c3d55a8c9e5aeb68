/**
 * Sample-ratio mismatch (SRM) check of an A/B experiment: are the subjects split between the
 * variants as the logged assignment probabilities say they should be? A mismatch almost always
 * means exposures were lost or duplicated on one side, which biases every comparison of the
 * variants (Fabijan et al., "Diagnosing Sample Ratio Mismatch in Online Controlled
 * Experiments", KDD 2019). The test is Pearson's chi-square goodness of fit; p < 0.001 is the
 * threshold experimentation platforms commonly use, strict because the check runs often.
 */
import { chiSquareGoodnessOfFit } from "./chi-square";

/** A mismatch is flagged below this p-value. */
export const SRM_P_THRESHOLD = 0.001;
/** Below this expected count in some variant the chi-square approximation is not trusted. */
export const SRM_MIN_EXPECTED = 5;

export interface VariantCounts {
  variant: string;
  exposures: number;
  subjects: number;
  /** Mean logged assignment probability of the variant's exposures, in (0, 1]. */
  meanProbability: number;
}

export interface VariantCheck {
  variant: string;
  /** The variant's share of the test unit expected from the logged probabilities (normalized over the variants seen). */
  expectedShare: number;
  observedShare: number;
  expected: number;
  observed: number;
}

export interface SampleRatioCheck {
  unit: "subjects";
  variants: VariantCheck[];
  /** Null when the test was not run (see `reason`). */
  statistic: number | null;
  df: number | null;
  pValue: number | null;
  /** True: mismatch at p < SRM_P_THRESHOLD; false: none detected; null: not tested. */
  srm: boolean | null;
  /** Sum of the variants' mean logged probabilities; well below 1 means variants (or a holdout) are missing from the exposures. */
  probabilitySum: number;
  /** The result in plain words. */
  verdict: string;
}

/**
 * Tests the subject counts of an experiment's variants against their logged assignment
 * probabilities. Preconditions: counts are whole numbers ≥ 0; probabilities in (0, 1].
 */
export function checkSampleRatio(variants: readonly VariantCounts[]): SampleRatioCheck {
  const probabilitySum = variants.reduce((n, v) => n + v.meanProbability, 0);
  const total = variants.reduce((n, v) => n + v.subjects, 0);
  const checks: VariantCheck[] = variants.map((v) => ({
    variant: v.variant,
    expectedShare: v.meanProbability / probabilitySum,
    observedShare: total === 0 ? 0 : v.subjects / total,
    expected: (total * v.meanProbability) / probabilitySum,
    observed: v.subjects,
  }));
  const untested = (verdict: string): SampleRatioCheck => ({
    unit: "subjects",
    variants: checks,
    statistic: null,
    df: null,
    pValue: null,
    srm: null,
    probabilitySum,
    verdict,
  });
  if (variants.length < 2) {
    return untested(
      "Not tested: exposures of only one variant were seen, and a sample-ratio check compares two or more.",
    );
  }
  const smallest = Math.min(...checks.map((c) => c.expected));
  if (smallest < SRM_MIN_EXPECTED) {
    return untested(
      `Not tested yet: too few subjects (the smallest expected count is ${formatNumber(smallest)}, the test needs at least ${SRM_MIN_EXPECTED} per variant).`,
    );
  }
  const fit = chiSquareGoodnessOfFit(
    variants.map((v) => v.subjects),
    variants.map((v) => v.meanProbability),
  );
  const srm = fit.pValue < SRM_P_THRESHOLD;
  let verdict: string;
  if (srm) {
    // With two variants both deviate by the same count, so which one lost (or gained)
    // exposures cannot be told from the counts: name every variant's observed and expected.
    const detail = checks
      .map((c) => `"${c.variant}" ${formatNumber(c.observed)} (expected ${formatNumber(c.expected)})`)
      .join(", ");
    verdict =
      `Sample-ratio mismatch: subjects per variant ${detail} do not match the assignment probabilities ` +
      `(p = ${formatP(fit.pValue)} < ${SRM_P_THRESHOLD}). Exposures are being lost or duplicated: do not trust ` +
      `comparisons between the variants until the cause is found.`;
  } else {
    verdict = `No sample-ratio mismatch: the split of subjects matches the assignment probabilities (p = ${formatP(fit.pValue)} ≥ ${SRM_P_THRESHOLD}).`;
  }
  return {
    unit: "subjects",
    variants: checks,
    statistic: fit.statistic,
    df: fit.df,
    pValue: fit.pValue,
    srm,
    probabilitySum,
    verdict,
  };
}

function formatNumber(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString("en-US")
    : n.toLocaleString("en-US", { maximumFractionDigits: 1 });
}

function formatP(p: number): string {
  return p >= 0.01 ? p.toFixed(3) : p.toExponential(2);
}
