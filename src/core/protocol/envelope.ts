/**
 * An event's envelope: its leaf in its batch's Merkle tree (docs/ARCHITECTURE.md, "Integrity
 * model"). The leaf hash is SHA-256(0x00 ‖ RFC 8785 canonical envelope) (RFC 9162 §2.1.1), so
 * every member is covered by the batch root. Optional members appear only when they say
 * something (a flag that is set, a list that is not empty).
 */
import type { ChainVerdict } from "../des-chain";
import type { Tier } from "./tier";

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
  /** Lowercase hex SHA-256 of the RFC 8785 canonical event as received. */
  id: string;
  received_at: string;
  /** Effective tier; `declared_tier` is added when the producer declared a lower one. */
  tier: Tier;
  declared_tier?: Tier;
  /** The policy rule that set the tier (absent when the policy's default did). */
  rule?: string;
  /** DES schema version of the event. */
  schema: string;
  /** sha256:<hex> of the RFC 8785 canonical event as received (before any masking). */
  digest: string;
  retained: "body" | "projection";
  sample?: SampleRecord;
  masked?: string[];
  producer: string;
  chain: ChainVerdict;
  /** How sequence_number follows the producer's previous one, when not simply the next. */
  sequence?: "gap" | "repeat" | "regress";
  missing?: number;
  future_timestamp?: true;
  conflict?: true;
}
