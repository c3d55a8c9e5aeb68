/**
 * Body removal that leaves every proof intact: the Merkle leaf is the envelope, which commits
 * to the body's digest, so dropping the body changes no hash. What went, when and why is kept
 * beside the envelope (the envelope itself is immutable once sealed). Everything derived from
 * a removed body goes with it: its stats keys, and (for an erasure) its decision-id index row.
 */
import { addFacts, emptyAggregate, factsOfLine, mergeAggregate, type Aggregate } from "./facts";
import { lineWithoutBody, splitLine } from "./bundle";
import { addToTotals, loadStatsKeys } from "./stats-totals";
import { decisionKey } from "./event-pairs";

export const DAY_MS = 86_400_000;
/** How often the alarm sweeps for bodies past retention when nothing else wakes the shard. */
export const RETENTION_SWEEP_MS = 3_600_000;

export type { Erasure } from "../core/protocol";
import type { Erasure } from "../core/protocol";

/** Why the body of `seq` is gone, if it is: an erasure request or a retention sweep. */
export function erasureOf(sql: SqlStorage, seq: number): Erasure | null {
  const erased = sql
    .exec<{ at: string; reason: string }>("SELECT at, reason FROM erasures WHERE seq = ?", seq)
    .toArray()[0];
  if (erased) return { at: erased.at, reason: erased.reason };
  const run = sql
    .exec<{ at: string; days: number }>(
      "SELECT at, days FROM retention_runs WHERE upto_seq > ? ORDER BY upto_seq LIMIT 1",
      seq,
    )
    .toArray()[0];
  return run ? { at: run.at, reason: `retention: bodies are kept ${run.days} days` } : null;
}

export function isErased(sql: SqlStorage, seq: number): boolean {
  return sql.exec("SELECT 1 FROM erasures WHERE seq = ?", seq).toArray().length > 0;
}

/**
 * The lines with the bodies at `indexes` removed (all when `indexes` is null), and the change
 * this makes to their exact stats (to add to the batch's and the totals).
 */
export function stripBodies(
  lines: readonly string[],
  indexes: readonly number[] | null,
): { lines: string[]; delta: Aggregate; removed: number } {
  const out = lines.slice();
  const delta = emptyAggregate();
  let removed = 0;
  for (const i of indexes ?? lines.map((_, i) => i)) {
    const line = out[i];
    if (line === undefined) continue;
    const { envelope, body } = splitLine(line);
    if (body === null) continue;
    const before = factsOfLine(envelope, body);
    addFacts(delta, before, -1);
    addFacts(delta, { ...before, decisionType: null, logicType: null, output: null, hasBody: false });
    out[i] = lineWithoutBody(line);
    removed++;
  }
  return { lines: out, delta, removed };
}

/**
 * Adds `delta` (keys as JSON texts, from stripBodies) to batch `n`'s stored stats and to the
 * totals, each removed key taken from the counter its event was sealed under (its slot, or
 * OTHER). Precondition: inside the caller's transaction.
 */
export function adjustBatchStats(sql: SqlStorage, n: number, raw: Aggregate): void {
  const keys = loadStatsKeys(sql);
  const delta = keys.encode(keys.cap(raw, false));
  const stored = JSON.parse(
    sql.exec<{ stats: string }>("SELECT stats FROM batches WHERE n = ?", n).one().stats,
  ) as Aggregate;
  mergeAggregate(stored, delta);
  sql.exec("UPDATE batches SET stats = ? WHERE n = ?", JSON.stringify(stored), n);
  addToTotals(sql, delta, keys);
}

/**
 * Records an erasure and drops the event's decision-id index row (the decision id is content
 * of the erased body). `pair` is read from the body before removal; when the body does not
 * hold it (masked), the row is found by its seq.
 */
export function recordErasure(sql: SqlStorage, seq: number, erasure: Erasure, body: string): void {
  sql.exec("INSERT INTO erasures (seq, at, reason) VALUES (?, ?, ?)", seq, erasure.at, erasure.reason);
  const event = JSON.parse(body) as {
    decision_context?: { decision_id?: unknown };
    temporal_metadata?: { sequence_number?: unknown };
  };
  const id = event.decision_context?.decision_id;
  const n = event.temporal_metadata?.sequence_number;
  let deleted = 0;
  if (typeof id === "string" && typeof n === "number") {
    const cursor = sql.exec(
      "DELETE FROM event_pairs WHERE d = ? AND sequence_number = ? AND seq = ?",
      decisionKey(id),
      n,
      seq,
    );
    cursor.toArray();
    deleted = cursor.rowsWritten;
  }
  if (deleted === 0) sql.exec("DELETE FROM event_pairs WHERE seq = ?", seq);
}

/** Batches whose bodies are past retention (sealed before `now - days`) and not yet swept. */
export function expiredBatches(sql: SqlStorage, days: number, now: Date, boundary: number): number[] {
  if (days <= 0) return [];
  const cutoff = now.getTime() - days * DAY_MS;
  return sql
    .exec<{ n: number }>(
      "SELECT n FROM batches WHERE first_seq >= ? AND sealed_at < ? ORDER BY n",
      boundary,
      cutoff,
    )
    .toArray()
    .map((r) => r.n);
}
