/**
 * Event queries over one shard, paged by sequence number. Sequence numbers only grow, so a
 * cursor (the next seq to look at) never skips or repeats an event while ingest continues.
 */

export interface EventFilter {
  decisionId?: string;
  decisionType?: string;
  tier?: string;
  /** Inclusive lower bound on received_at, ms since the epoch. */
  since?: number;
  /** Exclusive upper bound on received_at, ms since the epoch. */
  until?: number;
}

export interface QueryPage {
  items: Array<{ seq: number; received_at: number; envelope: string; body?: string | null }>;
  /** Next seq to scan from, or null when the shard holds nothing further that could match. */
  next: number | null;
}

/**
 * The first seq whose received_at is at or after `time`. received_at never decreases along
 * seq within a shard (one writer, one clock), so a binary search over the primary key finds
 * it in O(log n) point reads instead of an index on time.
 */
export function firstSeqAtOrAfter(sql: SqlStorage, time: number, size: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = sql.exec<{ received_at: number }>("SELECT received_at FROM events WHERE seq = ?", mid).toArray()[0];
    if (row && row.received_at < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Up to `limit` matching events from `from` on, examining at most `scanMax` sequence numbers
 * so a page costs bounded work however selective the filter. A short page with a non-null
 * `next` means: keep paging.
 */
export function queryEvents(
  sql: SqlStorage,
  filter: EventFilter,
  from: number,
  limit: number,
  scanMax: number,
  size: number,
  withBody = false,
): QueryPage {
  let start = from;
  let end = size;
  if (filter.since !== undefined) start = Math.max(start, firstSeqAtOrAfter(sql, filter.since, size));
  if (filter.until !== undefined) end = Math.min(end, firstSeqAtOrAfter(sql, filter.until, size));
  if (start >= end) return { items: [], next: null };
  const where = ["seq >= ?", "seq < ?"];
  const params: Array<string | number> = [start];
  const scanEnd = filter.decisionId !== undefined ? end : Math.min(end, start + scanMax);
  params.push(scanEnd);
  if (filter.decisionId !== undefined) {
    where.push("decision_id = ?");
    params.push(filter.decisionId);
  }
  if (filter.decisionType !== undefined) {
    where.push("decision_type = ?");
    params.push(filter.decisionType);
  }
  if (filter.tier !== undefined) {
    where.push("tier = ?");
    params.push(filter.tier);
  }
  const rows = sql
    .exec<{ seq: number; received_at: number; envelope: string; body?: string | null }>(
      `SELECT seq, received_at, envelope${withBody ? ", body" : ""} FROM events WHERE ${where.join(" AND ")} ORDER BY seq LIMIT ?`,
      ...params,
      limit,
    )
    .toArray();
  if (rows.length === limit) return { items: rows, next: rows[rows.length - 1]!.seq + 1 };
  return { items: rows, next: scanEnd < end ? scanEnd : null };
}
