/** Deterministic choice of the indexes a test checks, so failures reproduce. */
import { prng } from "../../support/prng";

/**
 * Indexes 0..n−1: all of them when n ≤ `allUpTo`; otherwise the edges (first two, last two),
 * both sides of the root's split point, and 4 random ones.
 */
export function sampleIndexes(n: number, allUpTo: number, seed: number): number[] {
  if (n <= allUpTo) return Array.from({ length: n }, (_, i) => i);
  let split = 1;
  while (split * 2 < n) split *= 2;
  const picked = new Set<number>([0, 1, split - 1, split, n - 2, n - 1]);
  const random = prng(seed);
  for (let i = 0; i < 4; i++) picked.add(Math.floor(random() * n));
  return [...picked].sort((a, b) => a - b);
}
