/** Order statistics for benchmark samples. Every function copies its input before sorting. */

/** The q-quantile (0 ≤ q ≤ 1) by linear interpolation between closest ranks; NaN when empty. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  let total = 0;
  for (const s of samples) total += s;
  return total / samples.length;
}

/** Smallest and largest sample, to show the spread of repeated runs beside their median. */
export function range(samples: readonly number[]): [number, number] {
  return [Math.min(...samples), Math.max(...samples)];
}
