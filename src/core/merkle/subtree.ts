/**
 * Where proof builders get subtree hashes from. A proof over an n-leaf tree needs O(log n)
 * subtree hashes; these helpers answer each from precomputed or stored *perfect nodes* instead
 * of re-hashing leaves.
 *
 * A perfect node (level, index) is the root of the full subtree over leaves
 * [index·2^level, (index+1)·2^level). Every RFC 9162 subtree of a tree is a right fold of at
 * most ⌊log2 n⌋ + 1 perfect nodes, and the perfect nodes of a tree never change as leaves are
 * appended, which is what makes them worth storing.
 */
import { EMPTY_ROOT, hashChildren } from "./hash";
import { MerkleRangeError } from "./errors";
import { smallestPowerOfTwoAtLeast } from "./tree";

/**
 * MTH of leaves [start, end). Proof builders only ask for ranges that are subtrees of the tree
 * the proof is for: 0 ≤ start < end ≤ size, and start a multiple of the smallest power of two
 * ≥ end − start ("aligned").
 */
export type SubtreeHashes = (start: number, end: number) => Uint8Array;

/**
 * Reads the stored perfect node (level, index). Storage contract: it returns the hash that was
 * stored for that node and throws when there is none; it is never asked for a node of a leaf
 * that has not been appended.
 */
export type GetNode = (level: number, index: number) => Uint8Array;

export interface PerfectNode {
  level: number;
  index: number;
  hash: Uint8Array;
}

/**
 * The perfect nodes completed by appending leaf `leafIndex`: the leaf itself at level 0, then
 * every ancestor whose right edge the leaf is. Reads one stored left sibling per completed
 * ancestor (the number of trailing 1 bits of `leafIndex`).
 * Precondition: all perfect nodes of leaves 0 … leafIndex − 1 are readable through `getNode`.
 */
export function nodesToStoreOnAppend(
  leafIndex: number,
  leafHash: Uint8Array,
  getNode: GetNode,
): PerfectNode[] {
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) {
    throw new MerkleRangeError(
      "leaf index must be a non-negative integer",
      "safe integer >= 0",
      String(leafIndex),
    );
  }
  const nodes: PerfectNode[] = [{ level: 0, index: leafIndex, hash: leafHash }];
  let level = 0;
  let index = leafIndex;
  let hash = leafHash;
  while (index % 2 === 1) {
    hash = hashChildren(getNode(level, index - 1), hash);
    level += 1;
    index = (index - 1) / 2;
    nodes.push({ level, index, hash });
  }
  return nodes;
}

/**
 * MTH of leaves [start, end) from perfect nodes, with one `getNode` call per 1 bit of
 * end − start. Precondition: 0 ≤ start < end, start aligned (see `SubtreeHashes`), and every
 * leaf below `end` appended. Throws `MerkleRangeError` on an empty or unaligned range, because
 * the MTH of an unaligned range is not a fold of stored nodes.
 */
export function subtreeHashFromNodes(start: number, end: number, getNode: GetNode): Uint8Array {
  checkRange(start, end);
  const width = end - start;
  if (start % smallestPowerOfTwoAtLeast(width) !== 0) {
    throw new MerkleRangeError(
      "subtree start must be aligned to the subtree's size",
      `start a multiple of ${smallestPowerOfTwoAtLeast(width)}`,
      String(start),
    );
  }
  // Left to right, each perfect node is the largest one fitting the remaining width; the
  // remaining range stays aligned, so each node's index is exact.
  const parts: Uint8Array[] = [];
  let at = start;
  while (at < end) {
    let size = 1;
    let level = 0;
    while (size * 2 <= end - at) {
      size *= 2;
      level += 1;
    }
    parts.push(getNode(level, at / size));
    at += size;
  }
  let hash = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) hash = hashChildren(parts[i]!, hash);
  return hash;
}

/** MTH of the first `size` leaves (RFC 9162 §2.1.1); a copy of `EMPTY_ROOT` for size 0. */
export function rootFromNodes(size: number, getNode: GetNode): Uint8Array {
  if (size === 0) return EMPTY_ROOT.slice();
  return subtreeHashFromNodes(0, size, getNode);
}

/** `SubtreeHashes` backed by a perfect-node store. */
export function subtreeHashesFromNodes(getNode: GetNode): SubtreeHashes {
  return (start, end) => subtreeHashFromNodes(start, end, getNode);
}

/**
 * `SubtreeHashes` over an in-memory list of leaf hashes (e.g. one batch). All perfect nodes are
 * computed once, up front (n − popcount(n) hashes); each query then costs O(log n) hashes, so
 * building a proof for every leaf of a batch does not re-hash the batch.
 */
export function subtreeHashesFromLeaves(leafHashes: readonly Uint8Array[]): SubtreeHashes {
  const levels: Uint8Array[][] = [leafHashes.slice()];
  for (let below = levels[0]!; below.length >= 2;) {
    const above: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(hashChildren(below[i]!, below[i + 1]!));
    levels.push(above);
    below = above;
  }
  const count = leafHashes.length;
  const getNode: GetNode = (level, index) => levels[level]![index]!;
  return (start, end) => {
    checkRange(start, end);
    if (end > count) {
      throw new MerkleRangeError("subtree extends past the last leaf", `end <= ${count}`, String(end));
    }
    return subtreeHashFromNodes(start, end, getNode);
  };
}

function checkRange(start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end <= start) {
    throw new MerkleRangeError("subtree range must be non-empty", "0 <= start < end", `[${start}, ${end})`);
  }
}
