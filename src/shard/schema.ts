/**
 * The LogShard's SQLite layout, version 3 (README: Storage; migrate.ts takes version 2 to it). Sequence numbers are dense from
 * 0; batch n holds the contiguous range [first_seq, first_seq + count).
 *
 * - `slices`: each accepted request's events (those routed to this shard) as one row, in the
 *   batch export's line format, until they are sealed.
 * - `batches`: one row per sealed batch: its header, the stored upper nodes of its Merkle tree,
 *   its bundle (the gzip of its export: header line, then one line per event) and the exact
 *   stats of its events; `stats_totals` holds their sum.
 * - `event_ids`, `event_pairs`: the only per-event rows, both WITHOUT ROWID: id key → seq (dedup,
 *   lookups; the key is the id's first 48 bits, confirmed from the envelope) and
 *   (decision key, sequence_number) → seq (conflicts, decision_id queries; the key is 128 bits
 *   of the decision id's SHA-256).
 * - `tree_nodes`, `checkpoints`: the log tree over batch headers and its signed checkpoints.
 */
export const LAYOUT_VERSION = 3;

/** Exported for the layout 2 → 3 migration, which creates these. */
export const EVENT_PAIRS_TABLE = `CREATE TABLE IF NOT EXISTS event_pairs (
  d BLOB NOT NULL,
  sequence_number INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (d, sequence_number, seq)
) WITHOUT ROWID;`;
export const EVENT_IDS_TABLE = `CREATE TABLE IF NOT EXISTS event_ids (
  k INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (k, seq)
) WITHOUT ROWID;`;
export const STATS_TOTALS_TABLE = `CREATE TABLE IF NOT EXISTS stats_totals (
  k TEXT PRIMARY KEY,
  v TEXT NOT NULL
) WITHOUT ROWID;`;

export const SHARD_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  k TEXT PRIMARY KEY,
  v
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS slices (
  first_seq INTEGER PRIMARY KEY,
  count INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  lines TEXT NOT NULL,
  facts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
  n INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  count INTEGER NOT NULL,
  root BLOB NOT NULL,
  header TEXT NOT NULL,
  sealed_at INTEGER NOT NULL,
  received_first INTEGER NOT NULL,
  received_last INTEGER NOT NULL,
  upper_nodes BLOB NOT NULL,
  bundle BLOB NOT NULL,
  bodies TEXT NOT NULL,
  stats TEXT NOT NULL
);
-- Finds the batch holding a seq (first_seq <= seq, the greatest) without scanning batches.
CREATE UNIQUE INDEX IF NOT EXISTS batches_by_first_seq ON batches (first_seq);
-- k: the id's first 48 bits (event-ids.ts); the envelope confirms the full id.
${EVENT_IDS_TABLE}
-- d: the decision id's 128-bit key (event-pairs.ts).
${EVENT_PAIRS_TABLE}
-- The exact stats of every sealed event ('counts', rewritten at each seal) and the stats key
-- dictionary ('keys/<group>', rewritten when a group takes a key): stats-totals.ts. A stats call
-- over the whole log reads these rows and the pending slices, never the events.
${STATS_TOTALS_TABLE}
CREATE TABLE IF NOT EXISTS tree_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  size INTEGER PRIMARY KEY,
  root BLOB NOT NULL,
  note TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS erasures (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS retention_runs (
  upto_seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  days INTEGER NOT NULL
);
`;

export { PRODUCER_SCHEMA } from "./producers";

/** SQLite in Durable Objects binds at most 100 parameters per statement. */
export const MAX_BOUND_PARAMS = 100;
