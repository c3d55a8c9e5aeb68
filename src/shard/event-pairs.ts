import { sha256 } from "@noble/hashes/sha2.js";
import { toHex, utf8 } from "../core/bytes";

/**
 * The `event_pairs` index key of a decision id (README: Storage): the first 128 bits of the
 * SHA-256 of its UTF-8 text (FIPS 180-4), 16 bytes instead of the text. Conflict checks and
 * `decision_id` queries compare keys only — the decision id cannot always be read back to
 * confirm a match (a projection or body may not hold it once masked, expired or offloaded) —
 * so the key is long enough that two decision ids sharing one is not a practical event: a
 * collision takes about 2^64 SHA-256 evaluations to find on purpose, and a shard of n decision
 * ids meets one by chance with probability about n² / 2^129.
 * Precondition: `decisionId` is the decision id as indexed (its keyed hash when masked).
 */
export function decisionKey(decisionId: string): Uint8Array {
  return sha256(utf8(decisionId)).slice(0, 16);
}

/** A (decision key, sequence number) pair as one Map/Set key. */
export function pairText(key: Uint8Array, sequenceNumber: number): string {
  return `${sequenceNumber}:${toHex(key)}`;
}
