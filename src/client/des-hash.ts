/**
 * DES producer-side hash chain: `temporal_metadata.hash_chain.current_hash` is the lowercase hex
 * SHA-256 over the RFC 8785 canonical event with `current_hash` removed (DES 0.3.0, temporal
 * metadata; the schema's hash_chain description), and `previous_hash` is the producer's previous
 * `current_hash` (null for a chain's first event).
 */
import { canonicalBytes } from "../core/canonical";
import { sha256Hex } from "../core/digest";

/** The only digest this builder writes into `hash_chain.algorithm`. */
export const DES_HASH_ALGORITHM = "SHA-256";

/**
 * Computes the `current_hash` of `event`.
 *
 * Preconditions: `event` is JSON data with `temporal_metadata.hash_chain` an object; any
 * `current_hash` already present is ignored (removed from a copy, never from `event`).
 * @throws CanonicalJsonError when the event has no RFC 8785 form (NaN, lone surrogates, cycles).
 */
export async function computeCurrentHash(event: { temporal_metadata: { hash_chain: object } }): Promise<string> {
  const { current_hash: _excluded, ...chain } = event.temporal_metadata.hash_chain as Record<string, unknown>;
  const withoutCurrent = {
    ...event,
    temporal_metadata: { ...event.temporal_metadata, hash_chain: chain },
  };
  return sha256Hex(canonicalBytes(withoutCurrent));
}
