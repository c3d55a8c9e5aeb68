/**
 * Proof building, RFC 9162 §2.1.3.1 (inclusion, PATH) and §2.1.4.1 (consistency, SUBPROOF).
 * The RFC's recursions are walked top-down without recursion; each step asks `hashes` for one
 * sibling subtree, so a proof costs O(log n) subtree reads.
 */
import { checkConsistencyArgs, checkInclusionArgs } from "./proof-shape";
import type { SubtreeHashes } from "./subtree";
import { largestPowerOfTwoBelow } from "./tree";

/**
 * PATH(index, D[size]): the sibling hashes from the leaf up to the root.
 * Precondition: 0 ≤ index < size (else `MerkleRangeError`); `hashes` answers for a tree of at
 * least `size` leaves.
 */
export function inclusionProof(index: number, size: number, hashes: SubtreeHashes): Uint8Array[] {
  checkInclusionArgs(index, size);
  const fromRoot: Uint8Array[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const mid = start + largestPowerOfTwoBelow(end - start);
    if (index < mid) {
      fromRoot.push(hashes(mid, end));
      end = mid;
    } else {
      fromRoot.push(hashes(start, mid));
      start = mid;
    }
  }
  return fromRoot.reverse();
}

/**
 * PROOF(from, D[to]) = SUBPROOF(from, D[to], true). Empty when from = to.
 * Precondition: 0 < from ≤ to (else `MerkleRangeError`; see `checkConsistencyArgs` for why 0 is
 * refused); `hashes` answers for a tree of at least `to` leaves.
 */
export function consistencyProof(from: number, to: number, hashes: SubtreeHashes): Uint8Array[] {
  checkConsistencyArgs(from, to);
  if (from === to) return [];
  const fromRoot: Uint8Array[] = [];
  let start = 0;
  let end = to;
  // SUBPROOF's flag b: true while the old tree's root is itself a subtree of the new tree,
  // in which case the verifier already holds it and it is left out of the proof.
  let oldRootIsSubtree = true;
  while (from !== end) {
    const mid = start + largestPowerOfTwoBelow(end - start);
    if (from <= mid) {
      fromRoot.push(hashes(mid, end));
      end = mid;
    } else {
      fromRoot.push(hashes(start, mid));
      start = mid;
      oldRootIsSubtree = false;
    }
  }
  const proof = oldRootIsSubtree ? [] : [hashes(start, end)];
  for (let i = fromRoot.length - 1; i >= 0; i--) proof.push(fromRoot[i]!);
  return proof;
}
