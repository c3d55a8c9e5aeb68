/**
 * The hashing an audit needs, with SHA-256 supplied by the caller — the role of
 * transparency-dev/merkle's `LogHasher`: Node plugs in `node:crypto`, a browser WebCrypto, and
 * the checks above stay one piece of pure code. Leaves and digests are asked for a batch at a
 * time, so an asynchronous digest (WebCrypto) costs one wait per batch rather than per event,
 * and a synchronous one (Node) none.
 */
import { hashChildren as hashChildrenJs, LEAF_HASH_PREFIX, NODE_HASH_PREFIX } from "../merkle";

export type MaybePromise<T> = T | Promise<T>;

export interface AuditHasher {
  /** RFC 9162 §2.1.1 leaf hash SHA-256(0x00 ‖ d) of every `d`, in order. */
  hashLeaves(data: readonly Uint8Array[]): MaybePromise<Uint8Array[]>;
  /** SHA-256(d) of every `d`, in order (body digests, FIPS 180-4). */
  digests(data: readonly Uint8Array[]): MaybePromise<Uint8Array[]>;
  /** RFC 9162 §2.1.1 interior node SHA-256(0x01 ‖ left ‖ right); 65 bytes, so synchronous. */
  hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array;
  /**
   * Optional, for a synchronous SHA-256 (Node's): writes SHA-256(p ‖ `bytes`[start, end)) to
   * `out`[at, at + 32), where p is the one byte `prefix` (0x00 leaf, 0x01 interior node, RFC
   * 9162 §2.1.1) or nothing when `prefix` is −1. `out` may overlap the input (the whole input is
   * read before the digest is written). With it, `checkBatch` hashes spans of the batch bytes
   * into one buffer per batch — no array, view or digest object per event — and computes the
   * batch root in place; without it (WebCrypto) it asks for a batch's hashes at once.
   */
  sha256Into?(
    bytes: Uint8Array,
    start: number,
    end: number,
    prefix: number,
    out: Uint8Array,
    at: number,
  ): void;
}

/**
 * RFC 9162 §2.1.1 MTH of the `count` leaf hashes stored back to back in `hashes` (leaf j at
 * [32j, 32j + 32)), computed level by level in place: pairs are hashed left to right and a last
 * odd node moves up unchanged, which is the same tree as the RFC's split at the largest power of
 * two below n. Overwrites `hashes`; the root ends at [0, 32). Precondition: `count` ≥ 1.
 */
export function rootInPlace(
  hashes: Uint8Array,
  count: number,
  sha256Into: NonNullable<AuditHasher["sha256Into"]>,
): void {
  for (let width = count; width > 1; width = (width + 1) >> 1) {
    const pairs = width >> 1;
    for (let i = 0; i < pairs; i++) sha256Into(hashes, 64 * i, 64 * i + 64, NODE_HASH_PREFIX, hashes, 32 * i);
    if (width & 1) hashes.copyWithin(32 * pairs, 32 * (width - 1), 32 * width);
  }
}

/** The part of WebCrypto's `SubtleCrypto` the audit uses. */
export interface WebDigest {
  digest(algorithm: "SHA-256", data: Uint8Array): Promise<ArrayBuffer>;
}

/**
 * An `AuditHasher` over WebCrypto (`crypto.subtle`, present in browsers, workerd and Node).
 * Interior nodes use the core's allocation-free JavaScript SHA-256: an awaited digest per
 * 65-byte node would cost more than the hash itself.
 */
export function subtleHasher(subtle: WebDigest = crypto.subtle): AuditHasher {
  const digestAll = (data: readonly Uint8Array[], prefix: number | null) =>
    Promise.all(
      data.map(async (d) => {
        let input = d;
        if (prefix !== null) {
          input = new Uint8Array(d.length + 1);
          input[0] = prefix;
          input.set(d, 1);
        }
        return new Uint8Array(await subtle.digest("SHA-256", input));
      }),
    );
  return {
    hashLeaves: (data) => digestAll(data, LEAF_HASH_PREFIX),
    digests: (data) => digestAll(data, null),
    hashChildren: hashChildrenJs,
  };
}
