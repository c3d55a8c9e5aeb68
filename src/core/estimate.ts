/**
 * Horvitz–Thompson estimation (Horvitz & Thompson, 1952) of counts that are known only from
 * retained bodies: every event has an envelope (exact totals), but a field such as the
 * decision's output is known only for events in the sample, each standing for
 * `adjusted_count` = 1/π events, π being its inclusion probability.
 *
 * With independent (Poisson/Bernoulli) inclusion, the estimate of a count is Σ w over the
 * observed events with weight w = 1/π, and Σ (1 − π)/π² = Σ w(w − 1) is an unbiased estimate
 * of its variance. Consistent sampling by decision id is such a design as long as the ids are
 * distinct (all events of one decision share one verdict, so count decisions, not events).
 * Events retained with certainty (w = 1) add to the count and nothing to the variance.
 */

export interface Observation {
  /** The observed value (e.g. a decision's output) of one retained event. */
  readonly value: string;
  /** 1 / inclusion probability of that event, ≥ 1. */
  readonly adjusted_count: number;
}

export interface CountEstimate {
  /** Estimated number of events: Σ w. */
  readonly count: number;
  /** Estimated variance of `count`: Σ w(w − 1). */
  readonly variance: number;
  /** √variance. */
  readonly standard_error: number;
  /** Events actually observed. */
  readonly observed: number;
}

export interface ValueEstimate extends CountEstimate {
  readonly value: string;
}

export interface Estimates {
  /** One entry per distinct value, largest estimated count first (ties by value). */
  readonly values: readonly ValueEstimate[];
  readonly total: CountEstimate;
}

/** An observation whose weight is not a finite number ≥ 1. */
export class AdjustedCountError extends RangeError {
  readonly expected = "a finite number >= 1";
  readonly found: string;
  constructor(index: number, found: number) {
    super(`observation ${index}: adjusted_count must be a finite number >= 1, found ${String(found)}`);
    this.name = "AdjustedCountError";
    this.found = String(found);
  }
}

/**
 * Estimated count of each value, and in total, from the observations of the events in the
 * sample (events outside it contribute nothing: that is what the weights account for).
 *
 * Precondition: every `adjusted_count` is finite and ≥ 1 (checked).
 * @throws AdjustedCountError otherwise.
 */
export function estimateCounts(observations: readonly Observation[]): Estimates {
  const sums = new Map<string, { count: number; variance: number; observed: number }>();
  let count = 0;
  let variance = 0;
  observations.forEach(({ value, adjusted_count: w }, i) => {
    if (!(Number.isFinite(w) && w >= 1)) throw new AdjustedCountError(i, w);
    let sum = sums.get(value);
    if (sum === undefined) sums.set(value, (sum = { count: 0, variance: 0, observed: 0 }));
    sum.count += w;
    sum.variance += w * (w - 1);
    sum.observed++;
    count += w;
    variance += w * (w - 1);
  });
  const values = [...sums].map(([value, s]): ValueEstimate => ({
    value,
    ...s,
    standard_error: Math.sqrt(s.variance),
  }));
  values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return {
    values,
    total: { count, variance, standard_error: Math.sqrt(variance), observed: observations.length },
  };
}
