/**
 * Merkle Tree Hash over a list of leaf hashes (RFC 9162 §2.1.1) and the power-of-two arithmetic
 * the tree shape is defined by. Sizes and indexes can exceed 2^31, so this module and its
 * siblings use only floating-point-exact arithmetic on safe integers (up to 2^53 − 1), never
 * the 32-bit bit operators.
 */
import { EMPTY_ROOT, hashChildren } from "./hash";
import { MerkleRangeError } from "./errors";

/**
 * The k with k < n ≤ 2k and k a power of two: the size of the left subtree of an n-leaf tree
 * (RFC 9162 §2.1.1). Precondition: n is a safe integer ≥ 2.
 */
export function largestPowerOfTwoBelow(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) {
    throw new MerkleRangeError("tree size must be split into two subtrees", "safe integer >= 2", String(n));
  }
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Smallest power of two ≥ n. Precondition: n is a safe integer ≥ 1. */
export function smallestPowerOfTwoAtLeast(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new MerkleRangeError("power-of-two bound needs a positive size", "safe integer >= 1", String(n));
  }
  let k = 1;
  while (k < n) k *= 2;
  return k;
}

/** True when n is a positive power of two (1, 2, 4, …). Precondition: n is a safe integer. */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && smallestPowerOfTwoAtLeast(n) === n;
}

/**
 * MTH(D[n]) over leaf hashes (RFC 9162 §2.1.1), level by level: adjacent pairs are combined and
 * an odd last node moves up unchanged, which yields exactly the RFC's left-heavy tree with n − 1
 * hash calls. Returns a copy of `EMPTY_ROOT` for no leaves.
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return EMPTY_ROOT.slice();
  const level = leafHashes.slice();
  let width = level.length;
  while (width > 1) {
    let next = 0;
    for (let i = 0; i + 1 < width; i += 2) level[next++] = hashChildren(level[i]!, level[i + 1]!);
    if (width % 2 === 1) level[next++] = level[width - 1]!;
    width = next;
  }
  return level[0]!;
}
