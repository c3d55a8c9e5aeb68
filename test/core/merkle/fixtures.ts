/** The RFC 9162 vectors of test/fixtures/rfc9162.json, decoded to bytes. */
import { fromHex } from "../../../src/core/bytes";
import raw from "../../fixtures/rfc9162.json";

export interface InclusionVector {
  size: number;
  index: number;
  path: Uint8Array[];
}
export interface ConsistencyVector {
  from: number;
  to: number;
  path: Uint8Array[];
}

export const leafData: Uint8Array[] = raw.leaves_hex.map(fromHex);
export const leafHashes: Uint8Array[] = raw.leaf_hashes.map(fromHex);
/** roots[n] = MTH of the first n leaves, n = 0 … 8. */
export const roots: Uint8Array[] = Object.entries(raw.roots)
  .sort(([a], [b]) => Number(a) - Number(b))
  .map(([, hex]) => fromHex(hex));
export const inclusionVectors: InclusionVector[] = raw.inclusion.map((v) => ({
  size: v.tree_size,
  index: v.leaf_index,
  path: v.path.map(fromHex),
}));
export const consistencyVectors: ConsistencyVector[] = raw.consistency.map((v) => ({
  from: v.from,
  to: v.to,
  path: v.path.map(fromHex),
}));

/** A copy of `bytes` with bit `bit` (0 = lowest of byte 0) inverted. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  if (bit < 0 || bit >= 8 * bytes.length) throw new RangeError(`bit ${bit} is outside the hash`);
  const out = bytes.slice();
  out[Math.floor(bit / 8)]! ^= 1 << (bit % 8);
  return out;
}
