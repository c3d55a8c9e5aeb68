/**
 * RFC 9162 §2.1.1 hashing with SHA-256. Leaves and interior nodes are hashed with distinct
 * one-byte prefixes so that a leaf can never be passed off as an interior node (second-preimage
 * resistance across levels).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { sha256Prefixed, SMALL_MESSAGE_MAX } from "./sha256-small";

const NOTHING = new Uint8Array(0);

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
  if (data.length + 1 <= SMALL_MESSAGE_MAX) return sha256Prefixed(LEAF_HASH_PREFIX, data, NOTHING);
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_HASH_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

/**
 * Hash of an interior node from its children's hashes (RFC 9162 §2.1.1): 65 bytes, where a
 * general SHA-256's per-call overhead dominates, so a two-block implementation without
 * allocation does it.
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (1 + left.length + right.length <= SMALL_MESSAGE_MAX)
    return sha256Prefixed(NODE_HASH_PREFIX, left, right);
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_HASH_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}
