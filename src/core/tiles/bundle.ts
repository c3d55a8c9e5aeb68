/**
 * Entry bundles (c2sp.org/tlog-tiles, "Log entries"): "sequences of big-endian uint16
 * length-prefixed log entries". Hash tiles: concatenated 32-byte hashes.
 */
import { TileFormatError } from "./errors";

/** Largest entry a bundle can frame: its length must fit a uint16. */
export const MAX_BUNDLE_ENTRY = 0xffff;
export const TILE_HASH_SIZE = 32;

/**
 * Frames `entries` as one bundle.
 *
 * @throws TileFormatError for an entry longer than 65,535 bytes.
 */
export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const [i, e] of entries.entries()) {
    if (e.length > MAX_BUNDLE_ENTRY) {
      throw new TileFormatError(
        `bundle entry ${i} is too long`,
        `at most ${MAX_BUNDLE_ENTRY} bytes`,
        `${e.length} bytes`,
      );
    }
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * Splits a bundle into its entries (views into `bytes`).
 *
 * @throws TileFormatError when a length prefix or an entry runs past the end.
 */
export function decodeBundle(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) {
      throw new TileFormatError(
        `bundle entry ${out.length} has a truncated length prefix`,
        "2 bytes",
        `${bytes.length - at} byte`,
      );
    }
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + length > bytes.length) {
      throw new TileFormatError(
        `bundle entry ${out.length} is truncated`,
        `${length} bytes`,
        `${bytes.length - at - 2} bytes left`,
      );
    }
    out.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return out;
}

/**
 * Splits a hash tile into its hashes, checking it has `width` of them.
 *
 * @throws TileFormatError when the length is not 32 · width.
 */
export function splitHashTile(bytes: Uint8Array, width: number): Uint8Array[] {
  if (bytes.length !== width * TILE_HASH_SIZE) {
    throw new TileFormatError(
      "hash tile has the wrong length",
      `${width * TILE_HASH_SIZE} bytes (${width} hashes)`,
      `${bytes.length} bytes`,
    );
  }
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += TILE_HASH_SIZE) out.push(bytes.subarray(at, at + TILE_HASH_SIZE));
  return out;
}
