/**
 * Trees far beyond 2^31 leaves, where any 32-bit bit operator on a size or index would give a
 * wrong split or a wrong walk. The tree is synthetic: a perfect node's hash is derived from its
 * (level, index), except on the lineages of a few chosen leaves, whose ancestors are hashed from
 * their children. Nothing ever looks beneath a derived node, so this is a consistent Merkle tree
 * as far as the proofs about those leaves can tell, and it costs O(depth) hashes.
 */
import { describe, expect, it } from "vitest";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8 } from "../../../src/core/bytes";
import {
  IndexOutOfRangeError,
  ProofLengthError,
  RootMismatchError,
  consistencyProof,
  consistencyProofLength,
  hashChildren,
  inclusionProof,
  inclusionProofLength,
  largestPowerOfTwoBelow,
  rootFromNodes,
  smallestPowerOfTwoAtLeast,
  subtreeHashesFromNodes,
  verifyConsistency,
  verifyInclusion,
  type GetNode,
} from "../../../src/core/merkle";
import { VerificationError } from "../../../src/core/errors";
import { flipBit } from "./fixtures";

const P31 = 2 ** 31;
const P32 = 2 ** 32;
const P33 = 2 ** 33;

function syntheticTree(lineages: number[]): { getNode: GetNode; reads: () => number } {
  const memo = new Map<string, Uint8Array>();
  let reads = 0;
  const node = (level: number, index: number): Uint8Array => {
    const key = `${level}/${index}`;
    const known = memo.get(key);
    if (known) return known;
    const first = index * 2 ** level;
    const onLineage = lineages.some((leaf) => leaf >= first && leaf < first + 2 ** level);
    const hash =
      level > 0 && onLineage
        ? hashChildren(node(level - 1, 2 * index), node(level - 1, 2 * index + 1))
        : sha256(utf8(`synthetic node ${level}/${index}`));
    memo.set(key, hash);
    return hash;
  };
  return {
    getNode: (level, index) => {
      reads++;
      return node(level, index);
    },
    reads: () => reads,
  };
}

describe("sizes and indexes above 2^31", () => {
  it("power-of-two helpers are exact up to 2^53", () => {
    expect(largestPowerOfTwoBelow(P33 + 7)).toBe(P33);
    expect(largestPowerOfTwoBelow(P32)).toBe(P31);
    expect(largestPowerOfTwoBelow(P31 + 1)).toBe(P31);
    expect(largestPowerOfTwoBelow(Number.MAX_SAFE_INTEGER)).toBe(2 ** 52);
    expect(smallestPowerOfTwoAtLeast(P32 + 1)).toBe(P33);
    expect(smallestPowerOfTwoAtLeast(Number.MAX_SAFE_INTEGER)).toBe(2 ** 53);
  });

  it("inclusion of leaf 2^32+5 in a tree of 2^33+7: builds, verifies, and any one-bit change fails", () => {
    const index = P32 + 5;
    const size = P33 + 7;
    const tree = syntheticTree([index]);
    const path = inclusionProof(index, size, subtreeHashesFromNodes(tree.getNode));
    // The root splits into a perfect 2^33 left half (33 levels above the leaf) and the 7-leaf
    // right remainder, which is the one element on the right.
    expect(path).toHaveLength(34);
    expect(inclusionProofLength(index, size)).toBe(34);
    expect(tree.reads()).toBeLessThanOrEqual(2 * 34 + 2);

    const root = rootFromNodes(size, tree.getNode);
    const leaf = tree.getNode(0, index);
    verifyInclusion(leaf, index, size, path, root);

    for (const i of [0, 5, 17, 32, 33]) {
      const bad = path.slice();
      bad[i] = flipBit(bad[i]!, 77);
      expect(() => verifyInclusion(leaf, index, size, bad, root)).toThrow(RootMismatchError);
    }
    expect(() => verifyInclusion(leaf, index, size, path, flipBit(root, 0))).toThrow(RootMismatchError);
    expect(() => verifyInclusion(flipBit(leaf, 255), index, size, path, root)).toThrow(RootMismatchError);
    // The index and size a 32-bit truncation would produce, and neighbours of the real ones.
    for (const wrongIndex of [5, index - 1, index + 1, index + P31]) {
      expect(() => verifyInclusion(leaf, wrongIndex, size, path, root)).toThrow(VerificationError);
    }
    expect(() => verifyInclusion(leaf, index, 7, path, root)).toThrow(IndexOutOfRangeError);
    expect(() => verifyInclusion(leaf, index, size - P32, path, root)).toThrow(VerificationError);
    expect(() => verifyInclusion(leaf, index, 2 * P33 + 1, path, root)).toThrow(ProofLengthError);
    // A size whose right remainder is still one subtree gives the same proof shape, so this
    // path verifies for it too: the root, not the path, is what binds the size.
    expect(() => verifyInclusion(leaf, index, P33 + 9, path, root)).not.toThrow();
  });

  it("inclusion of the last leaf of a 2^53 − 1 leaf tree", () => {
    const size = Number.MAX_SAFE_INTEGER;
    const index = size - 1;
    const tree = syntheticTree([index]);
    const path = inclusionProof(index, size, subtreeHashesFromNodes(tree.getNode));
    // All 53 bits of the size are set, so the last leaf climbs past one left sibling per bit.
    expect(path).toHaveLength(52);
    const root = rootFromNodes(size, tree.getNode);
    verifyInclusion(tree.getNode(0, index), index, size, path, root);
    expect(() => verifyInclusion(tree.getNode(0, index), index - 1, size, path, root)).toThrow(
      VerificationError,
    );
  });

  const consistencyCases: Array<[string, number, number]> = [
    ["2^32+3 to 2^33+7", P32 + 3, P33 + 7],
    ["2^32 (a power of two) to 2^33+7", P32, P33 + 7],
    ["2^31+1 to 2^32+1", P31 + 1, P32 + 1],
    ["2^33+6 to 2^33+7", P33 + 6, P33 + 7],
  ];
  for (const [name, from, to] of consistencyCases) {
    it(`consistency ${name}: builds, verifies, and any one-bit change fails`, () => {
      const tree = syntheticTree([from - 1, from]);
      const path = consistencyProof(from, to, subtreeHashesFromNodes(tree.getNode));
      expect(path).toHaveLength(consistencyProofLength(from, to));
      expect(path.length).toBeGreaterThan(1);
      expect(tree.reads()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(to)) + 2);

      const fromRoot = rootFromNodes(from, tree.getNode);
      const toRoot = rootFromNodes(to, tree.getNode);
      verifyConsistency(from, to, fromRoot, toRoot, path);

      for (let i = 0; i < path.length; i++) {
        const bad = path.slice();
        bad[i] = flipBit(bad[i]!, (8 * i + 3) % 256);
        expect(() => verifyConsistency(from, to, fromRoot, toRoot, bad)).toThrow(RootMismatchError);
      }
      expect(() => verifyConsistency(from, to, flipBit(fromRoot, 1), toRoot, path)).toThrow(
        RootMismatchError,
      );
      expect(() => verifyConsistency(from, to, fromRoot, flipBit(toRoot, 1), path)).toThrow(
        RootMismatchError,
      );
      for (const [f, t] of [
        [from % P32, to],
        [from, to % P32],
        [from + 1, to],
        [from - 1, to],
      ] as const) {
        if (f === from && t === to) continue;
        expect(() => verifyConsistency(f, t, fromRoot, toRoot, path), `from ${f} to ${t}`).toThrow(
          VerificationError,
        );
      }
    });
  }
});
