/** Types crossing the Worker → LogShard RPC boundary (structured-clone friendly). */
import type { CountedExposure } from "../core/experiment-exposure";

import type { Jurisdiction, Tier } from "../core/protocol";
/** The index of a tier in TIERS is stored in the shard's id index: the order must never change. */
export { TIERS, type Tier } from "../core/protocol";

/** Identifies one log: a tenant's shard. The origin is the log's C2SP name. */
export interface LogRef {
  tenant: string;
  shard: number;
  origin: string;
  /** The tenant's jurisdiction (README "Data residency"); absent for an unrestricted tenant. */
  jurisdiction?: Jurisdiction;
}

/** An event that passed validation, ready to be sequenced. */
export interface PreparedEvent {
  /** Position in the request, echoed in results. */
  index: number;
  /**
   * Lowercase hex SHA-256 of the RFC 8785 canonical event — of its keyed committed form for a
   * tenant whose policy masks anything: the content-derived id.
   */
  id: string;
  /** decision_id as retained; its keyed hash (`hmac-sha256:…`) when the policy masks it. */
  decisionId: string;
  /** The following stats keys are read from the retained (masked) content; null when it lacks them. */
  decisionType: string | null;
  logicType: string | null;
  /** decision_logic.output as canonical JSON, cut to OUTPUT_KEY_MAX characters (a stats key). */
  outputKey: string | null;
  sequenceNumber: number;
  schemaVersion: string;
  /** Effective tier: the higher of the declared tier and the policy's. */
  tier: Tier;
  declaredTier: Tier;
  /** The policy rule that decided the tier, or null for the policy's default. */
  rule: string | null;
  /** For the sampled tier: the consistent-sampling record and this decision's verdict. */
  sample: { rate: number; threshold: string; adjusted_count: number; in_sample: boolean } | null;
  /** What is retained: the (masked) body or the (masked) projection onto DES's required fields. */
  retained: "body" | "projection";
  /** The retained content, canonical JSON. */
  body: string;
  /** JSON pointers whose values the committed form replaced by keyed commitments (src/core/commitment.ts). */
  masked: string[];
  /** The commitment of each member removed from the retained content, by pointer (absent when none). */
  removed?: Record<string, string>;
  /** Whose hash chain and sequence this event continues (the ingest key or X-Edgelog-Producer). */
  producer: string;
  /** DES hash_chain check done at the edge; the shard adds the link to the producer's previous event. */
  chain:
    | { verdict: "unverified" }
    | { verdict: "ok" | "mismatch"; currentHash: string; previousHash: string | null };
  /** event_timestamp lies further in the future than the allowed clock skew. */
  futureTimestamp: boolean;
  /** For an A/B exposure record: what the shard's experiment counts need (see src/shard/experiments.ts). */
  exposure?: CountedExposure | null;
}

export interface AppendOptions {
  /** Answer only once every accepted event is in a sealed batch. */
  waitSealed: boolean;
}

export type AppendResult = {
  index: number;
  status: "accepted" | "duplicate";
  id: string;
  log: string;
  seq: number;
  tier: Tier;
  conflict?: true;
  batch?: number;
  leaf_index?: number;
};

/**
 * Archived batches whose bodies stay in SQLite as well, by default (`ARCHIVE_KEEP_BATCHES`):
 * the newest 64, at most 16,384 events per log at the default batch size of 256. Queries and
 * lookups of recent events then read SQLite only; older bodies are stored once, in R2, at
 * $0.015 per GB-month instead of SQLite's $0.20 (README, "Scale-out"), and every read that
 * needs them fetches their batch's object (src/shard/archived-bundles.ts).
 */
export const DEFAULT_ARCHIVE_KEEP_BATCHES = 64;

/** The settings a shard needs, passed with each call so a deploy's new values apply at once. */
export interface ShardSettings {
  batchMax: number;
  batchMs: number;
  /** Bodies of events older than this are removed (envelopes and proofs stay); 0 keeps them. */
  retentionDays: number;
  /** Above this many unsealed events the shard refuses appends until sealing catches up. */
  maxPending: number;
  /** Bodies of archived batches older than the newest this-many archived batches leave SQLite; 0: never. */
  archiveKeepBatches: number;
}

/** Why a shard refused an append: it is behind on sealing; the caller should retry later. */
export interface Overloaded {
  overloaded: true;
  pending: number;
  retryAfterMs: number;
}
