/** Types crossing the Worker → LogShard RPC boundary (structured-clone friendly). */

export const TIERS = ["lightweight", "sampled", "full"] as const;
export type Tier = (typeof TIERS)[number];

/** Identifies one log: a tenant's shard. The origin is the log's C2SP name. */
export interface LogRef {
  tenant: string;
  shard: number;
  origin: string;
}

/** An event that passed validation, ready to be sequenced. */
export interface PreparedEvent {
  /** Position in the request, echoed in results. */
  index: number;
  /** Lowercase hex SHA-256 of the RFC 8785 canonical event: the content-derived id. */
  id: string;
  decisionId: string;
  decisionType: string;
  sequenceNumber: number;
  schemaVersion: string;
  tier: Tier;
  /** What is retained: the canonical event (or, later, its projection); null keeps nothing. */
  body: string | null;
}

export interface AppendOptions {
  /** Answer only once every accepted event is in a sealed batch. */
  waitSealed: boolean;
}

export type AppendResult =
  | {
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

/** The settings a shard needs, passed with each call so a deploy's new values apply at once. */
export interface ShardSettings {
  batchMax: number;
  batchMs: number;
  /** Bodies of events older than this are removed (envelopes and proofs stay); 0 keeps them. */
  retentionDays: number;
  /** Above this many unsealed events the shard refuses appends until sealing catches up. */
  maxPending: number;
  /** Bodies of archived batches older than the newest this-many archived batches leave SQLite. */
  archiveKeepBatches: number;
}

/** Why a shard refused an append: it is behind on sealing; the caller should retry later. */
export interface Overloaded {
  overloaded: true;
  pending: number;
  retryAfterMs: number;
}
