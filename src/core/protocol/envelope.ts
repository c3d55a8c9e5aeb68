/**
 * An event's envelope: its leaf in its batch's Merkle tree (docs/ARCHITECTURE.md, "Integrity
 * model"). The leaf hash is SHA-256(0x00 ‖ RFC 8785 canonical envelope) (RFC 9162 §2.1.1), so
 * every member is covered by the batch root. Optional members appear only when they say
 * something (a flag that is set, a list that is not empty).
 */
import type { ChainVerdict } from "../des-chain";
import type { Tier } from "./tier";

/** Every DES hash-chain verdict an envelope may carry (src/core/des-chain.ts decides them). */
export const CHAIN_VERDICTS = Object.freeze(["ok", "mismatch", "broken-link", "unverified"] as const);
// Fails to compile when ChainVerdict gains a value this list lacks (or the other way round).
const chainVerdictsComplete: [ChainVerdict] extends [(typeof CHAIN_VERDICTS)[number]] ? true : never = true;
void chainVerdictsComplete;

/** What is retained of an event: the (masked) body, or its projection onto DES's required fields. */
export const RETAINED_KINDS = Object.freeze(["body", "projection"] as const);
export type Retained = (typeof RETAINED_KINDS)[number];

/** How an event's sequence_number follows its producer's previous one, when not simply the next. */
export const SEQUENCE_FLAGS = Object.freeze(["gap", "repeat", "regress"] as const);
export type SequenceFlag = (typeof SEQUENCE_FLAGS)[number];

/** The consistent-sampling record of a sampled-tier event (README, "Tiered evidence"). */
export interface SampleRecord {
  rate: number;
  /** OpenTelemetry "th" hex threshold. */
  threshold: string;
  adjusted_count: number;
  in_sample: boolean;
}

export interface Envelope {
  /** Origin of the log that holds the event. */
  log: string;
  seq: number;
  /**
   * Lowercase hex SHA-256 of the RFC 8785 canonical event: as received, or — for a tenant whose
   * policy masks anything — its keyed committed form (src/core/commitment.ts).
   */
  id: string;
  received_at: string;
  /** Effective tier; `declared_tier` is added when the producer declared a lower one. */
  tier: Tier;
  declared_tier?: Tier;
  /** The policy rule that set the tier (absent when the policy's default did). */
  rule?: string;
  /** DES schema version of the event. */
  schema: string;
  /** "sha256:" + `id`. */
  digest: string;
  retained: Retained;
  sample?: SampleRecord;
  /** Pointers whose values the committed form holds as keyed commitments, in the order applied. */
  masked?: string[];
  /**
   * Each member removed from the retained content (pointer → its `hmac-sha256:` commitment), so
   * that a retained body plus this map rebuilds the committed form the id hashes.
   */
  removed?: Record<string, string>;
  producer: string;
  chain: ChainVerdict;
  /** How sequence_number follows the producer's previous one, when not simply the next. */
  sequence?: SequenceFlag;
  missing?: number;
  future_timestamp?: true;
  conflict?: true;
}
