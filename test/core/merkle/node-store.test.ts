/**
 * The perfect-node model a persistent log uses: a Map-backed store that refuses to answer for a
 * node it does not hold (so a builder asking for a node it should not need fails loudly), grown
 * one leaf at a time, checked against the in-memory batch model after every append.
 */
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../../src/core/bytes";
import {
  MerkleRangeError,
  consistencyProof,
  hashLeaf,
  inclusionProof,
  nodesToStoreOnAppend,
  rootFromNodes,
  subtreeHashFromNodes,
  subtreeHashesFromLeaves,
  subtreeHashesFromNodes,
  verifyConsistency,
  verifyInclusion,
  type GetNode,
  type PerfectNode,
} from "../../../src/core/merkle";
import { prng } from "../../support/prng";

class MapNodeStore {
  private readonly nodes = new Map<string, Uint8Array>();
  reads = 0;

  readonly getNode: GetNode = (level, index) => {
    this.reads++;
    const hash = this.nodes.get(`${level}/${index}`);
    if (!hash) throw new Error(`node ${level}/${index} is not stored`);
    return hash;
  };

  /** Perfect nodes never change once written; a second write would mean a wrong model. */
  put(nodes: PerfectNode[]): void {
    for (const { level, index, hash } of nodes) {
      const key = `${level}/${index}`;
      if (this.nodes.has(key)) throw new Error(`node ${key} written twice`);
      this.nodes.set(key, hash);
    }
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Reads made by `fn`. */
  count(fn: () => void): number {
    const before = this.reads;
    fn();
    return this.reads - before;
  }
}

function popcount(n: number): number {
  let bits = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) bits += x % 2;
  return bits;
}

function trailingOnes(n: number): number {
  let ones = 0;
  for (let x = n; x % 2 === 1; x = (x - 1) / 2) ones++;
  return ones;
}

function ceilLog2(n: number): number {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}

/**
 * Read bound for one proof over an n-leaf tree. The top-down walk reads one perfect node per
 * step, except at the single step where it first turns into a left (perfect) subtree: there the
 * right remainder is read as up to ⌊log2 n⌋ + 1 perfect nodes. A consistency proof adds one
 * perfect node for the old tree's subtree root. So reads ≤ 2·⌈log2 n⌉ + 2.
 */
const readBound = (n: number) => 2 * ceilLog2(n) + 2;

const N = 300;
const leaves = Array.from({ length: N }, (_, i) => hashLeaf(utf8(`event ${i}`)));
const inMemory = subtreeHashesFromLeaves(leaves);
const hex = (list: Uint8Array[]) => list.map(toHex);

describe("perfect-node store, appended one leaf at a time", () => {
  it("stays equal to the in-memory tree after every append, with O(log n) reads per proof", () => {
    const store = new MapNodeStore();
    const fromStore = subtreeHashesFromNodes(store.getNode);
    const random = prng(42);

    for (let i = 0; i < N; i++) {
      let created: PerfectNode[] = [];
      const appendReads = store.count(() => {
        created = nodesToStoreOnAppend(i, leaves[i]!, store.getNode);
      });
      expect(created[0]).toEqual({ level: 0, index: i, hash: leaves[i] });
      expect(created).toHaveLength(1 + trailingOnes(i));
      expect(appendReads).toBe(trailingOnes(i));
      store.put(created);

      const size = i + 1;
      // Every perfect node of a size-n tree: Σ ⌊n / 2^l⌋ = 2n − popcount(n).
      expect(store.size).toBe(2 * size - popcount(size));

      let root: Uint8Array = new Uint8Array();
      expect(store.count(() => (root = rootFromNodes(size, store.getNode)))).toBe(popcount(size));
      expect(toHex(root)).toBe(toHex(inMemory(0, size)));

      for (const index of new Set([0, Math.floor(random() * size), i])) {
        let path: Uint8Array[] = [];
        const reads = store.count(() => (path = inclusionProof(index, size, fromStore)));
        expect(reads).toBeLessThanOrEqual(readBound(size));
        expect(reads).toBeGreaterThanOrEqual(path.length);
        expect(hex(path)).toEqual(hex(inclusionProof(index, size, inMemory)));
        if (index === i) verifyInclusion(leaves[i]!, i, size, path, root);
      }

      for (const from of new Set([1, 1 + Math.floor(random() * size), i])) {
        if (from < 1) continue;
        let path: Uint8Array[] = [];
        const reads = store.count(() => (path = consistencyProof(from, size, fromStore)));
        expect(reads).toBeLessThanOrEqual(readBound(size));
        expect(reads).toBeGreaterThanOrEqual(path.length);
        expect(hex(path)).toEqual(hex(consistencyProof(from, size, inMemory)));
        if (from === i) verifyConsistency(from, size, inMemory(0, from), root, path);
      }
    }
  });

  it("asks only for nodes of appended leaves: a proof past the stored size fails", () => {
    const store = new MapNodeStore();
    for (let i = 0; i < 10; i++) store.put(nodesToStoreOnAppend(i, leaves[i]!, store.getNode));
    expect(() => inclusionProof(3, 11, subtreeHashesFromNodes(store.getNode))).toThrow(/not stored/);
    expect(() => rootFromNodes(11, store.getNode)).toThrow(/not stored/);
    expect(toHex(rootFromNodes(10, store.getNode))).toBe(toHex(inMemory(0, 10)));
  });

  it("subtreeHashFromNodes refuses empty and unaligned ranges", () => {
    const store = new MapNodeStore();
    for (let i = 0; i < 16; i++) store.put(nodesToStoreOnAppend(i, leaves[i]!, store.getNode));
    for (const [start, end] of [
      [0, 0],
      [3, 3],
      [1, 3],
      [2, 5],
      [4, 9],
      [-2, 2],
      [0.5, 2],
    ]) {
      expect(() => subtreeHashFromNodes(start!, end!, store.getNode)).toThrow(MerkleRangeError);
    }
    for (const [start, end] of [
      [4, 6],
      [8, 13],
      [12, 16],
      [0, 7],
      [5, 6],
    ]) {
      expect(toHex(subtreeHashFromNodes(start!, end!, store.getNode))).toBe(toHex(inMemory(start!, end!)));
    }
  });

  it("rootFromNodes of size 0 is the empty root without reading the store", () => {
    const store = new MapNodeStore();
    expect(toHex(rootFromNodes(0, store.getNode))).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(store.reads).toBe(0);
  });
});
