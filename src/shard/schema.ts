/**
 * The LogShard's SQLite layout. Sequence numbers are dense from 0, and batch n holds the
 * contiguous range [first_seq, first_seq + count), so sealing never rewrites event rows: an
 * event is pending exactly when its seq is at or past `sealed_upto`.
 */
export const SHARD_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  k TEXT PRIMARY KEY,
  v
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id BLOB NOT NULL UNIQUE,
  decision_id TEXT NOT NULL,
  sequence_number INTEGER NOT NULL,
  decision_type TEXT,
  logic_type TEXT,
  output TEXT,
  tier TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  envelope TEXT NOT NULL,
  body TEXT
);
CREATE INDEX IF NOT EXISTS events_by_decision ON events (decision_id, sequence_number);
CREATE TABLE IF NOT EXISTS batches (
  n INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  count INTEGER NOT NULL,
  root BLOB NOT NULL,
  header TEXT NOT NULL,
  sealed_at INTEGER NOT NULL,
  leaf_hashes BLOB NOT NULL,
  upper_nodes BLOB NOT NULL
);
-- Finds the batch holding a seq (first_seq <= seq, the greatest) without scanning batches.
CREATE UNIQUE INDEX IF NOT EXISTS batches_by_first_seq ON batches (first_seq);
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
