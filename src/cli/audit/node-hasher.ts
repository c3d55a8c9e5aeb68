/**
 * The audit's `AuditHasher` over `node:crypto` (OpenSSL's SHA-256, with the CPU's SHA
 * extensions where present): synchronous, so checking a batch never waits on a promise per
 * event.
 */
import * as nodeCrypto from "node:crypto";
import type { AuditHasher } from "../../core/audit";
import { LEAF_HASH_PREFIX, NODE_HASH_PREFIX } from "../../core/merkle";

/** One-shot `crypto.hash` (Node ≥ 20.12) avoids a Hash object per call; `createHash` otherwise. */
const oneShot = (nodeCrypto as { hash?: (algorithm: string, data: Uint8Array, encoding: "binary") => string })
  .hash;

/**
 * SHA-256 of `data`. The digest comes back as a 32-character "binary" (latin1) string and is copied into a
 * small typed array: a Buffer result would be a separately allocated native block per hash,
 * which the garbage collector must finalize one by one (measured: about a quarter of the
 * audit's checking time went to that).
 */
function sha256(data: Uint8Array): Uint8Array {
  const s = oneShot
    ? oneShot("sha256", data, "binary")
    : nodeCrypto.createHash("sha256").update(data).digest("binary");
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function nodeHasher(): AuditHasher {
  // One scratch buffer holds 0x00 ‖ data for the leaf being hashed (grown when needed).
  let scratch = new Uint8Array(4096);
  const node = new Uint8Array(65);
  node[0] = NODE_HASH_PREFIX;
  const hashLeaf = (data: Uint8Array): Uint8Array => {
    if (data.length + 1 > scratch.length) scratch = new Uint8Array(2 * (data.length + 1));
    scratch[0] = LEAF_HASH_PREFIX;
    scratch.set(data, 1);
    return sha256(scratch.subarray(0, data.length + 1));
  };
  return {
    hashLeaves: (data) => data.map(hashLeaf),
    digests: (data) => data.map(sha256),
    hashChildren(left, right) {
      if (left.length !== 32 || right.length !== 32) {
        return sha256(Uint8Array.of(NODE_HASH_PREFIX, ...left, ...right));
      }
      node.set(left, 1);
      node.set(right, 33);
      return sha256(node);
    },
  };
}
