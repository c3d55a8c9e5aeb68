/**
 * RFC 9162 §2.1.1 hashing with SHA-256. Leaves and interior nodes are hashed with distinct
 * one-byte prefixes so that a leaf can never be passed off as an interior node (second-preimage
 * resistance across levels).
 */
import { sha256 } from "@noble/hashes/sha2.js";

/** Prefix of a leaf hash: MTH({d(0)}) = HASH(0x00 || d(0)). */
export const LEAF_HASH_PREFIX = 0x00;
/** Prefix of an interior node hash: HASH(0x01 || left || right). */
export const NODE_HASH_PREFIX = 0x01;
/** Length in bytes of every hash in the tree. */
export const HASH_SIZE = 32;

/**
 * MTH of the empty list: SHA-256 of the empty string. Shared, so callers must not mutate it;
 * functions returning the empty root hand out a copy.
 */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Hash of one leaf's data (RFC 9162 §2.1.1). */
export function hashLeaf(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_HASH_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

/**
 * Hash of an interior node from its children's hashes (RFC 9162 §2.1.1). One 65-byte buffer and
 * one digest call: per-call overhead dominates at this size.
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_HASH_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}
