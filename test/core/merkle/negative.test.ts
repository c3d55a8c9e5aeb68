/**
 * Negative cases over every RFC 9162 vector, each named after the change it makes. A wrong size
 * is only detectable when it changes the proof's shape (which side each element hashes on):
 * the verifier sees nothing else, so the tests derive the shape independently and require
 * failure exactly when the shape differs.
 */
import { describe, expect, it } from "vitest";
import { VerificationError } from "../../../src/core/errors";
import {
  HashLengthError,
  IndexOutOfRangeError,
  MerkleRangeError,
  ProofLengthError,
  RootMismatchError,
  consistencyProof,
  inclusionProof,
  subtreeHashesFromLeaves,
  verifyConsistency,
  verifyInclusion,
} from "../../../src/core/merkle";
import { toHex } from "../../../src/core/bytes";
import { consistencyVectors, flipBit, inclusionVectors, leafHashes, roots } from "./fixtures";

type ErrorClass = new (...args: never[]) => Error;

function expectThrows(fn: () => void, errorClass: ErrorClass): void {
  expect(fn).toThrow(errorClass);
}

function pow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Side of each PATH element from the leaf up: "L" when the sibling is on the left. */
function inclusionShape(m: number, n: number): string[] {
  if (n === 1) return [];
  const k = pow2Below(n);
  return m < k ? [...inclusionShape(m, k), "R"] : [...inclusionShape(m - k, n - k), "L"];
}

/** SUBPROOF's elements by role: "seed" (old subtree root), "L" or "R" sibling. */
function consistencyShape(m: number, n: number, b = true): string[] {
  if (m === n) return b ? [] : ["seed"];
  const k = pow2Below(n);
  return m <= k ? [...consistencyShape(m, k, b), "R"] : [...consistencyShape(m - k, n - k, false), "L"];
}

/** The error a verifier must raise when the proof's real shape is `real` but `claimed` is used. */
function expectedFailure(real: string[], claimed: string[]): ErrorClass | null {
  if (real.length !== claimed.length) return ProofLengthError;
  return real.join() === claimed.join() ? null : RootMismatchError;
}

const withPath = inclusionVectors.filter((v) => v.path.length > 0);
const consistencyWithPath = consistencyVectors.filter((v) => v.path.length > 0);
const someHash = new Uint8Array(32).fill(7);

describe("inclusion: negative cases", () => {
  it("flipped bit in path element", () => {
    let cases = 0;
    for (const v of withPath) {
      for (let i = 0; i < v.path.length; i++) {
        for (const bit of [0, 100, 255]) {
          const path = v.path.slice();
          path[i] = flipBit(path[i]!, bit);
          expectThrows(
            () => verifyInclusion(leafHashes[v.index]!, v.index, v.size, path, roots[v.size]!),
            RootMismatchError,
          );
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(200);
  });

  it("flipped bit in leaf hash", () => {
    for (const v of inclusionVectors) {
      const leaf = flipBit(leafHashes[v.index]!, 9);
      expectThrows(() => verifyInclusion(leaf, v.index, v.size, v.path, roots[v.size]!), RootMismatchError);
    }
  });

  it("flipped bit in root", () => {
    for (const v of inclusionVectors) {
      const root = flipBit(roots[v.size]!, 200);
      expectThrows(
        () => verifyInclusion(leafHashes[v.index]!, v.index, v.size, v.path, root),
        RootMismatchError,
      );
    }
  });

  it("wrong tree size", () => {
    let rejected = 0;
    for (const v of inclusionVectors) {
      for (let size = 1; size <= 16; size++) {
        if (size === v.size) continue;
        const run = () => verifyInclusion(leafHashes[v.index]!, v.index, size, v.path, roots[v.size]!);
        if (v.index >= size) {
          expectThrows(run, IndexOutOfRangeError);
          continue;
        }
        const failure = expectedFailure(inclusionShape(v.index, v.size), inclusionShape(v.index, size));
        if (failure) {
          expectThrows(run, failure);
          rejected++;
        } else {
          expect(run).not.toThrow();
        }
      }
    }
    expect(rejected).toBeGreaterThan(300);
  });

  it("wrong leaf index", () => {
    for (const v of inclusionVectors) {
      for (let index = 0; index <= v.size + 1; index++) {
        if (index === v.index) continue;
        const run = () => verifyInclusion(leafHashes[v.index]!, index, v.size, v.path, roots[v.size]!);
        if (index >= v.size) expectThrows(run, IndexOutOfRangeError);
        // Distinct leaves of one tree always have distinct shapes, so every wrong index fails.
        else
          expectThrows(run, expectedFailure(inclusionShape(v.index, v.size), inclusionShape(index, v.size))!);
      }
    }
  });

  it("truncated path", () => {
    for (const v of withPath) {
      for (const path of [v.path.slice(0, -1), v.path.slice(1)]) {
        const err = catchError(() =>
          verifyInclusion(leafHashes[v.index]!, v.index, v.size, path, roots[v.size]!),
        );
        expect(err).toBeInstanceOf(ProofLengthError);
        expect((err as ProofLengthError).expectedLength).toBe(v.path.length);
        expect((err as ProofLengthError).foundLength).toBe(v.path.length - 1);
      }
    }
  });

  it("extra path element", () => {
    for (const v of inclusionVectors) {
      for (const path of [
        [...v.path, someHash],
        [someHash, ...v.path],
        [...v.path, roots[v.size]!],
      ]) {
        expectThrows(
          () => verifyInclusion(leafHashes[v.index]!, v.index, v.size, path, roots[v.size]!),
          ProofLengthError,
        );
      }
    }
  });

  it("swapped path elements", () => {
    let cases = 0;
    for (const v of withPath) {
      for (let i = 0; i + 1 < v.path.length; i++) {
        const path = v.path.slice();
        [path[i], path[i + 1]] = [path[i + 1]!, path[i]!];
        expectThrows(
          () => verifyInclusion(leafHashes[v.index]!, v.index, v.size, path, roots[v.size]!),
          RootMismatchError,
        );
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(40);
  });

  it("a path element, leaf hash or root of the wrong length", () => {
    const v = inclusionVectors.find((x) => x.size === 5 && x.index === 2)!;
    const short = v.path.slice();
    short[1] = short[1]!.subarray(0, 31);
    expectThrows(() => verifyInclusion(leafHashes[2]!, 2, 5, short, roots[5]!), HashLengthError);
    expectThrows(() => verifyInclusion(new Uint8Array(33), 2, 5, v.path, roots[5]!), HashLengthError);
    expectThrows(() => verifyInclusion(leafHashes[2]!, 2, 5, v.path, new Uint8Array(0)), HashLengthError);
  });
});

describe("consistency: negative cases", () => {
  const verifyVector =
    (from: number, to: number, path: Uint8Array[], fromRoot: Uint8Array, toRoot: Uint8Array) => () =>
      verifyConsistency(from, to, fromRoot, toRoot, path);

  it("flipped bit in path element", () => {
    let cases = 0;
    for (const v of consistencyWithPath) {
      for (let i = 0; i < v.path.length; i++) {
        for (const bit of [0, 128, 255]) {
          const path = v.path.slice();
          path[i] = flipBit(path[i]!, bit);
          expectThrows(verifyVector(v.from, v.to, path, roots[v.from]!, roots[v.to]!), RootMismatchError);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(150);
  });

  it("flipped bit in root (old tree root, then new tree root)", () => {
    for (const v of consistencyVectors) {
      expectThrows(
        verifyVector(v.from, v.to, v.path, flipBit(roots[v.from]!, 3), roots[v.to]!),
        RootMismatchError,
      );
      expectThrows(
        verifyVector(v.from, v.to, v.path, roots[v.from]!, flipBit(roots[v.to]!, 3)),
        RootMismatchError,
      );
    }
  });

  it("wrong tree size (old size, then new size)", () => {
    let rejected = 0;
    for (const v of consistencyVectors) {
      const real = consistencyShape(v.from, v.to);
      const claims: Array<[number, number]> = [];
      for (let s = 0; s <= 16; s++) {
        if (s !== v.from) claims.push([s, v.to]);
        if (s !== v.to) claims.push([v.from, s]);
      }
      for (const [from, to] of claims) {
        const run = verifyVector(from, to, v.path, roots[v.from]!, roots[v.to]!);
        if (from < 1 || from > to) {
          expectThrows(run, IndexOutOfRangeError);
          continue;
        }
        const failure = expectedFailure(real, consistencyShape(from, to));
        if (failure) {
          expectThrows(run, failure);
          rejected++;
        } else {
          expect(run).not.toThrow();
        }
      }
    }
    expect(rejected).toBeGreaterThan(500);
  });

  it("truncated path", () => {
    for (const v of consistencyWithPath) {
      for (const path of [v.path.slice(0, -1), v.path.slice(1)]) {
        expectThrows(verifyVector(v.from, v.to, path, roots[v.from]!, roots[v.to]!), ProofLengthError);
      }
    }
  });

  it("extra path element", () => {
    for (const v of consistencyVectors) {
      for (const path of [
        [...v.path, someHash],
        [someHash, ...v.path],
        [roots[v.from]!, ...v.path],
      ]) {
        expectThrows(verifyVector(v.from, v.to, path, roots[v.from]!, roots[v.to]!), ProofLengthError);
      }
    }
  });

  it("swapped path elements", () => {
    let cases = 0;
    for (const v of consistencyWithPath) {
      for (let i = 0; i + 1 < v.path.length; i++) {
        const path = v.path.slice();
        [path[i], path[i + 1]] = [path[i + 1]!, path[i]!];
        expectThrows(verifyVector(v.from, v.to, path, roots[v.from]!, roots[v.to]!), RootMismatchError);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(20);
  });

  it("equal sizes with different roots", () => {
    expectThrows(verifyVector(5, 5, [], roots[5]!, roots[6]!), RootMismatchError);
  });

  it("a path element or root of the wrong length", () => {
    const v = consistencyVectors.find((x) => x.from === 3 && x.to === 7)!;
    const long = v.path.slice();
    long[0] = new Uint8Array(33);
    expectThrows(verifyVector(3, 7, long, roots[3]!, roots[7]!), HashLengthError);
    expectThrows(verifyVector(3, 7, v.path, roots[3]!.subarray(1), roots[7]!), HashLengthError);
    expectThrows(verifyVector(3, 7, v.path, roots[3]!, new Uint8Array(0)), HashLengthError);
  });
});

describe("errors carry what was expected and what was found", () => {
  it("RootMismatchError names the expected root and the calculated one in hex", () => {
    const v = inclusionVectors.find((x) => x.size === 8 && x.index === 3)!;
    const wrongRoot = roots[7]!;
    const err = catchError(() => verifyInclusion(leafHashes[3]!, 3, 8, v.path, wrongRoot));
    expect(err).toBeInstanceOf(RootMismatchError);
    expect(err).toBeInstanceOf(VerificationError);
    const mismatch = err as RootMismatchError;
    expect(mismatch.expected).toBe(toHex(wrongRoot));
    expect(mismatch.calculated).toBe(toHex(roots[8]!));
    expect(mismatch.found).toBe(toHex(roots[8]!));
    expect(mismatch.name).toBe("RootMismatchError");
  });

  it("consistency names which root differs", () => {
    const v = consistencyVectors.find((x) => x.from === 6 && x.to === 8)!;
    const err = catchError(() => verifyConsistency(6, 8, roots[6]!, roots[5]!, v.path)) as RootMismatchError;
    expect(err.message).toContain("new tree root");
    expect(err.expected).toBe(toHex(roots[5]!));
    expect(err.calculated).toBe(toHex(roots[8]!));
    const old = catchError(() => verifyConsistency(6, 8, roots[5]!, roots[8]!, v.path)) as RootMismatchError;
    expect(old.message).toContain("old tree root");
    expect(old.calculated).toBe(toHex(roots[6]!));
  });
});

describe("preconditions", () => {
  const hashes = subtreeHashesFromLeaves(leafHashes);

  it("inclusion proofs exist only for 0 <= index < size (safe integers)", () => {
    for (const [index, size] of [
      [-1, 5],
      [5, 5],
      [0, 0],
      [9, 8],
      [1.5, 4],
      [Number.NaN, 4],
      [0, 2 ** 53],
    ]) {
      expectThrows(() => inclusionProof(index!, size!, hashes), MerkleRangeError);
      expectThrows(() => verifyInclusion(leafHashes[0]!, index!, size!, [], roots[1]!), IndexOutOfRangeError);
    }
  });

  it("consistency proofs exist only for 0 < from <= to; from = 0 is refused, from = to is empty", () => {
    for (const [from, to] of [
      [0, 5],
      [0, 0],
      [6, 5],
      [-1, 3],
      [2.5, 4],
      [1, Number.POSITIVE_INFINITY],
    ]) {
      expectThrows(() => consistencyProof(from!, to!, hashes), MerkleRangeError);
      expectThrows(() => verifyConsistency(from!, to!, roots[0]!, roots[5]!, []), IndexOutOfRangeError);
    }
    for (let n = 1; n <= 8; n++) expect(consistencyProof(n, n, hashes)).toEqual([]);
  });

  it("MerkleRangeError carries the violated condition and the values", () => {
    const err = catchError(() => inclusionProof(8, 8, hashes)) as MerkleRangeError;
    expect(err).toBeInstanceOf(RangeError);
    expect(err.expected).toBe("0 <= index < size");
    expect(err.found).toBe("index 8, size 8");
  });
});

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}
