/**
 * Body removal that leaves every proof intact: the Merkle leaf is the envelope, which commits
 * to the body's digest, so dropping the body changes no hash. What went, when and why is kept
 * beside the envelope (the envelope itself is immutable once sealed).
 */

export const DAY_MS = 86_400_000;
/** How often the alarm sweeps for bodies past retention when nothing else wakes the shard. */
export const RETENTION_SWEEP_MS = 3_600_000;

export interface Erasure {
  at: string;
  reason: string;
}

/**
 * Removes the retained body of the event at `seq`; null when it has none left. `inArchiveOnly`
 * says the body has already left SQLite for the R2 archive (the caller rewrites the object).
 */
export function eraseBody(sql: SqlStorage, seq: number, reason: string, at: Date, inArchiveOnly = false): Erasure | null {
  const row = sql.exec<{ body: string | null }>("SELECT body FROM events WHERE seq = ?", seq).toArray()[0];
  if (!row || (row.body === null && !inArchiveOnly)) return null;
  if (sql.exec("SELECT 1 FROM erasures WHERE seq = ?", seq).toArray().length > 0) return null;
  const erasure = { at: at.toISOString(), reason };
  // Every copy derived from the body goes with it (stats keys are read from the body).
  sql.exec("UPDATE events SET body = NULL, decision_type = NULL, logic_type = NULL, output = NULL WHERE seq = ?", seq);
  sql.exec("INSERT OR REPLACE INTO erasures (seq, at, reason) VALUES (?, ?, ?)", seq, erasure.at, erasure.reason);
  return erasure;
}

/**
 * Drops bodies of every event in batches sealed more than `days` ago. Batches are sealed in
 * sequence order, so the expired events are a prefix of the log: one range update per sweep.
 * Returns the new retention boundary (events below it have no body).
 */
export function applyRetention(sql: SqlStorage, days: number, now: Date, boundary: number): number {
  if (days <= 0) return boundary;
  const cutoff = now.getTime() - days * DAY_MS;
  const upto = Number(
    sql.exec<{ upto: number | null }>("SELECT MAX(first_seq + count) AS upto FROM batches WHERE sealed_at < ?", cutoff).one().upto ?? 0,
  );
  if (upto <= boundary) return boundary;
  sql.exec("UPDATE events SET body = NULL WHERE seq >= ? AND seq < ? AND body IS NOT NULL", boundary, upto);
  sql.exec("INSERT INTO retention_runs (upto_seq, at, days) VALUES (?, ?, ?)", upto, now.toISOString(), days);
  sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('retention_upto', ?)", upto);
  return upto;
}

/** Why the body of `seq` is gone, if it is: an erasure request or a retention sweep. */
export function erasureOf(sql: SqlStorage, seq: number): Erasure | null {
  const erased = sql.exec<{ at: string; reason: string }>("SELECT at, reason FROM erasures WHERE seq = ?", seq).toArray()[0];
  if (erased) return { at: erased.at, reason: erased.reason };
  const run = sql
    .exec<{ at: string; days: number }>("SELECT at, days FROM retention_runs WHERE upto_seq > ? ORDER BY upto_seq LIMIT 1", seq)
    .toArray()[0];
  return run ? { at: run.at, reason: `retention: bodies are kept ${run.days} days` } : null;
}
