/**
 * Property test: the iterative builders and bit-walking verifiers against a naive transcription
 * of the RFC 9162 §2.1 recursive definitions, for every tree size 1..300.
 */
import { describe, expect, it } from "vitest";
import { toHex, utf8 } from "../../../src/core/bytes";
import {
  consistencyProof,
  hashChildren,
  hashLeaf,
  inclusionProof,
  largestPowerOfTwoBelow,
  merkleRoot,
  subtreeHashesFromLeaves,
  verifyConsistency,
  verifyInclusion,
} from "../../../src/core/merkle";
import { sampleIndexes } from "./sampling";

// --- reference: the RFC's recursions, transcribed literally over arrays of leaf hashes -------

function refSplit(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) (§2.1.1), recursive. Memoized per leaf range only to keep the run short. */
function refMth(d: readonly Uint8Array[], offset = 0, memo = mthMemo): Uint8Array {
  const key = `${offset}:${d.length}`;
  const known = memo.get(key);
  if (known) return known;
  let h: Uint8Array;
  if (d.length === 1) h = d[0]!;
  else {
    const k = refSplit(d.length);
    h = hashChildren(refMth(d.slice(0, k), offset, memo), refMth(d.slice(k), offset + k, memo));
  }
  memo.set(key, h);
  return h;
}
const mthMemo = new Map<string, Uint8Array>();

/** PATH(m, D[n]) (§2.1.3.1). */
function refPath(m: number, d: readonly Uint8Array[], offset = 0): Uint8Array[] {
  if (d.length === 1) return [];
  const k = refSplit(d.length);
  return m < k
    ? [...refPath(m, d.slice(0, k), offset), refMth(d.slice(k), offset + k)]
    : [...refPath(m - k, d.slice(k), offset + k), refMth(d.slice(0, k), offset)];
}

/** SUBPROOF(m, D[n], b) (§2.1.4.1). */
function refSubproof(m: number, d: readonly Uint8Array[], b: boolean, offset = 0): Uint8Array[] {
  if (m === d.length) return b ? [] : [refMth(d, offset)];
  const k = refSplit(d.length);
  return m <= k
    ? [...refSubproof(m, d.slice(0, k), b, offset), refMth(d.slice(k), offset + k)]
    : [...refSubproof(m - k, d.slice(k), false, offset + k), refMth(d.slice(0, k), offset)];
}

// ---------------------------------------------------------------------------------------------

const MAX = 300;
const leaves = Array.from({ length: MAX }, (_, i) => hashLeaf(utf8(`leaf ${i}`)));
const hex = (list: Uint8Array[]) => list.map(toHex);

describe("against the recursive RFC 9162 definitions, sizes 1..300", () => {
  it("the reference memo is keyed by leaf range, which one leaf list makes sound", () => {
    // Guards the memo above: without it each key would have to include the leaves themselves.
    expect(toHex(refMth(leaves.slice(0, 5), 0, new Map()))).toBe(toHex(refMth(leaves.slice(0, 5))));
  });

  it("largestPowerOfTwoBelow matches the reference split for 2..4096", () => {
    for (let n = 2; n <= 4096; n++) expect(largestPowerOfTwoBelow(n)).toBe(refSplit(n));
  });

  // Split by size range, with room for slow shared machines: each block hashes tens of
  // thousands of times.
  const ranges: Array<[number, number]> = [
    [1, 100],
    [101, 200],
    [201, MAX],
  ];
  const slow = { timeout: 60_000 };
  const hashes = subtreeHashesFromLeaves(leaves);

  for (const [lo, hi] of ranges) {
    it(`merkleRoot and subtreeHashesFromLeaves give MTH, sizes ${lo}..${hi}`, slow, () => {
      for (let n = lo; n <= hi; n++) {
        const d = leaves.slice(0, n);
        const want = toHex(refMth(d));
        expect(toHex(merkleRoot(d))).toBe(want);
        expect(toHex(hashes(0, n))).toBe(want);
      }
    });

    it(`inclusion proofs equal PATH and verify, sizes ${lo}..${hi} (every index up to size 64)`, slow, () => {
      let checked = 0;
      for (let n = lo; n <= hi; n++) {
        const d = leaves.slice(0, n);
        const root = refMth(d);
        for (const m of sampleIndexes(n, 64, n)) {
          const path = inclusionProof(m, n, hashes);
          expect(hex(path)).toEqual(hex(refPath(m, d)));
          verifyInclusion(leaves[m]!, m, n, path, root);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(hi - lo + 1);
    });

    it(
      `consistency proofs equal SUBPROOF and verify, sizes ${lo}..${hi} (every pair up to size 64)`,
      slow,
      () => {
        let checked = 0;
        for (let n = lo; n <= hi; n++) {
          const d = leaves.slice(0, n);
          const toRoot = refMth(d);
          // sampleIndexes gives 0-based positions; consistency sizes are 1..n.
          for (const i of sampleIndexes(n, 64, n + 1000)) {
            const m = i + 1;
            const path = consistencyProof(m, n, hashes);
            expect(hex(path)).toEqual(hex(m === n ? [] : refSubproof(m, d, true)));
            verifyConsistency(m, n, refMth(d.slice(0, m)), toRoot, path);
            checked++;
          }
        }
        expect(checked).toBeGreaterThanOrEqual(hi - lo + 1);
      },
    );
  }

  it("a batch's own leaf store answers only for its own leaves", () => {
    const batch = subtreeHashesFromLeaves(leaves.slice(0, 77));
    expect(toHex(batch(0, 77))).toBe(toHex(refMth(leaves.slice(0, 77))));
    expect(toHex(batch(64, 77))).toBe(toHex(refMth(leaves.slice(64, 77), 64)));
    expect(() => batch(64, 80)).toThrow(RangeError);
  });
});
