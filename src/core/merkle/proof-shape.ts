/**
 * What a proof's sizes and index determine before any hash is read: whether the proof exists
 * at all, and how many elements it has. Builders and verifiers share these so that they refuse
 * the same inputs.
 */
import { MerkleRangeError } from "./errors";
import { largestPowerOfTwoBelow } from "./tree";

/**
 * Throws `MerkleRangeError` unless 0 ≤ index < size, both safe integers (RFC 9162 §2.1.3.1
 * defines PATH(m, D[n]) for 0 ≤ m < n).
 */
export function checkInclusionArgs(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new MerkleRangeError(
      "inclusion proof needs a leaf inside the tree",
      "0 <= index < size",
      `index ${index}, size ${size}`,
    );
  }
}

/**
 * Throws `MerkleRangeError` unless 0 < from ≤ to, both safe integers. RFC 9162 §2.1.4.1 defines
 * PROOF(m, D[n]) for 0 < m < n; from = to is accepted with the empty proof (the trees are the
 * same tree). from = 0 is refused: every tree extends the empty tree, so there is nothing to
 * prove, and a caller holding a size-0 checkpoint should accept the new one without a proof.
 */
export function checkConsistencyArgs(from: number, to: number): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || from > to) {
    throw new MerkleRangeError(
      "consistency proof needs 0 < from <= to",
      "0 < from <= to",
      `from ${from}, to ${to}`,
    );
  }
}

/** Number of elements of PATH(index, D[size]). Preconditions as `checkInclusionArgs`. */
export function inclusionProofLength(index: number, size: number): number {
  checkInclusionArgs(index, size);
  let start = 0;
  let end = size;
  let length = 0;
  while (end - start > 1) {
    const mid = start + largestPowerOfTwoBelow(end - start);
    if (index < mid) end = mid;
    else start = mid;
    length += 1;
  }
  return length;
}

/** Number of elements of PROOF(from, D[to]). Preconditions as `checkConsistencyArgs`. */
export function consistencyProofLength(from: number, to: number): number {
  checkConsistencyArgs(from, to);
  if (from === to) return 0;
  let start = 0;
  let end = to;
  let oldRootIsSubtree = true;
  let length = 0;
  while (from !== end) {
    const mid = start + largestPowerOfTwoBelow(end - start);
    if (from <= mid) {
      end = mid;
    } else {
      start = mid;
      oldRootIsSubtree = false;
    }
    length += 1;
  }
  return oldRootIsSubtree ? length : length + 1;
}
