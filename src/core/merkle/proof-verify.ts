/**
 * Proof verification, RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency). The RFC's bit
 * walks are written with division and remainder because sizes and indexes may exceed 2^31:
 * LSB(x) is x % 2 and a right shift is Math.floor(x / 2), exact for safe integers.
 *
 * Every failure throws a `VerificationError` subclass naming the expected and the found value.
 */
import { bytesEqual } from "../bytes";
import { HashLengthError, IndexOutOfRangeError, ProofLengthError, RootMismatchError } from "./errors";
import { HASH_SIZE, hashChildren } from "./hash";
import { consistencyProofLength, inclusionProofLength } from "./proof-shape";
import { isPowerOfTwo } from "./tree";

/**
 * The root that `path` leads to from `leafHash` at `index` in a tree of `size` leaves
 * (RFC 9162 §2.1.3.2 steps 1–4). Checks the proof's form, not the root: use `verifyInclusion`
 * to compare against a trusted root.
 * Throws `IndexOutOfRangeError` unless 0 ≤ index < size ("If leaf_index is greater than or
 * equal to tree_size, then stop and fail the proof verification"), `ProofLengthError` when the
 * path does not have the length those values call for, `HashLengthError` for a hash that is not
 * 32 bytes.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
): Uint8Array {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new IndexOutOfRangeError(
      "leaf index outside the tree",
      "0 <= index < size",
      `index ${index}, size ${size}`,
    );
  }
  checkHashLength("leaf hash", leafHash);
  checkPathHashes(path);
  const expectedLength = inclusionProofLength(index, size);
  // With the length fixed here, the RFC's "if sn is 0, fail" inside the loop and "sn must end
  // at 0" after it cannot trigger, so they are not repeated below.
  if (path.length !== expectedLength) throw new ProofLengthError(expectedLength, path.length);

  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of path) {
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return r;
}

/**
 * Checks that `path` proves `leafHash` is leaf `index` of the `size`-leaf tree with root `root`
 * (RFC 9162 §2.1.3.2). Returns nothing on success; throws as `rootFromInclusionProof`, or
 * `RootMismatchError` when the computed root is not `root`.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHashLength("root", root);
  const calculated = rootFromInclusionProof(leafHash, index, size, path);
  if (!bytesEqual(calculated, root)) throw new RootMismatchError("root", root, calculated);
}

/**
 * Checks that the `to`-leaf tree with root `toRoot` extends the `from`-leaf tree with root
 * `fromRoot` (RFC 9162 §2.1.4.2). from = to needs an empty path and equal roots.
 * Throws `IndexOutOfRangeError` unless 0 < from ≤ to (from = 0 is refused, see
 * `checkConsistencyArgs`), `ProofLengthError`, `HashLengthError`, or `RootMismatchError` for
 * whichever root the path does not lead to.
 */
export function verifyConsistency(
  from: number,
  to: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  path: readonly Uint8Array[],
): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || from > to) {
    throw new IndexOutOfRangeError(
      "consistency sizes out of order",
      "0 < from <= to",
      `from ${from}, to ${to}`,
    );
  }
  checkHashLength("old tree root", fromRoot);
  checkHashLength("new tree root", toRoot);
  checkPathHashes(path);
  const expectedLength = consistencyProofLength(from, to);
  // Covers the RFC's "if consistency_path is an empty array, fail" for from < to, and makes its
  // in-loop "if sn is 0, fail" and final "sn is 0" checks unreachable.
  if (path.length !== expectedLength) throw new ProofLengthError(expectedLength, path.length);
  if (from === to) {
    if (!bytesEqual(fromRoot, toRoot)) throw new RootMismatchError("new tree root", toRoot, fromRoot);
    return;
  }

  // "If first is an exact power of 2, then prepend first_hash to the consistency_path array."
  const nodes = isPowerOfTwo(from) ? [fromRoot, ...path] : path;
  let fn = from - 1;
  let sn = to - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = nodes[0]!;
  let sr = fr;
  for (let i = 1; i < nodes.length; i++) {
    const c = nodes[i]!;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (!bytesEqual(fr, fromRoot)) throw new RootMismatchError("old tree root", fromRoot, fr);
  if (!bytesEqual(sr, toRoot)) throw new RootMismatchError("new tree root", toRoot, sr);
}

function checkPathHashes(path: readonly Uint8Array[]): void {
  for (let i = 0; i < path.length; i++) checkHashLength(`proof element ${i}`, path[i]!);
}

function checkHashLength(what: string, hash: Uint8Array): void {
  if (hash.length !== HASH_SIZE) {
    throw new HashLengthError(`${what} has the wrong length`, `${HASH_SIZE} bytes`, `${hash.length} bytes`);
  }
}
