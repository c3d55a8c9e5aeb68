import { concatBytes } from "../core/bytes";
import { hashChildren, rootFromNodes, type GetNode } from "../core/merkle";

/**
 * A sealed batch's Merkle tree, stored so that an inclusion proof costs a handful of hashes:
 * the leaf hashes, plus every perfect node (RFC 9162 complete subtree) from level
 * `STORED_FROM_LEVEL` up, each level's nodes in order, levels in order. Nodes below that level
 * (subtrees of at most 4 leaves) are recomputed from the leaves on demand: at most 3 hashes
 * each, for 1/4 of the bytes it would cost to store them.
 */
export const STORED_FROM_LEVEL = 3;
const HASH = 32;

/** The perfect nodes of `leaves`, level by level (level 0 = the leaves). */
export function perfectLevels(leaves: readonly Uint8Array[]): Uint8Array[][] {
  const levels: Uint8Array[][] = [leaves.slice()];
  for (let below = levels[0]!; below.length >= 2;) {
    const above: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(hashChildren(below[i]!, below[i + 1]!));
    levels.push(above);
    below = above;
  }
  return levels;
}

export function packUpperLevels(levels: readonly Uint8Array[][]): Uint8Array {
  return concatBytes(...levels.slice(STORED_FROM_LEVEL).flat());
}

/** The batch root (MTH) from its perfect nodes. */
export function rootOfLevels(levels: readonly Uint8Array[][], count: number): Uint8Array {
  return rootFromNodes(count, (level, index) => levels[level]![index]!);
}

/** Leaf hash `index` of a batch (RFC 9162 §2.1.1), computed when first asked. */
export type LeafAt = (index: number) => Uint8Array;

/**
 * GetNode over a stored batch: upper levels from `upper`, lower ones hashed from the leaves.
 * An inclusion proof asks for O(log n) nodes, so only the few leaves below level
 * STORED_FROM_LEVEL that its path touches are hashed (at most 2^STORED_FROM_LEVEL per node).
 * Precondition: `leaf(i)` is the batch's leaf hash i for i < `count`, and `upper` was packed
 * from the same batch by packUpperLevels.
 */
export function batchNodes(leaf: LeafAt, upper: Uint8Array, count: number): GetNode {
  const offsets: number[] = [];
  let offset = 0;
  for (let level = STORED_FROM_LEVEL; Math.floor(count / 2 ** level) >= 1; level++) {
    offsets[level] = offset;
    offset += Math.floor(count / 2 ** level);
  }
  const node: GetNode = (level, index) => {
    if (level === 0) return leaf(index);
    if (level < STORED_FROM_LEVEL)
      return hashChildren(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
    const at = (offsets[level]! + index) * HASH;
    return upper.subarray(at, at + HASH);
  };
  return node;
}
