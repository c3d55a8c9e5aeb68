/**
 * Event queries over one shard, paged by sequence number. Sequence numbers only grow, so a
 * cursor (the next seq to look at) never skips or repeats an event while ingest continues.
 */
import { splitLine } from "./bundle";
import { retainedKeys } from "./facts";
import type { EventLines } from "./lines";
import type { FullLines } from "./full-lines";
import { decisionKey } from "./event-pairs";

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
  /** Next seq to scan from: where a later call resumes, whether or not the shard is caught up. */
  next: number;
  /**
   * True when nothing at or after `next` could match yet: the shard is caught up with this
   * query. Events ingested later land at or after `next`, so resuming from it finds them.
   */
  caughtUp: boolean;
}

/** Where the shard stands: what a read needs to know to find lines. */
export interface ShardPosition {
  /** The next seq to be assigned (events are [0, size)). */
  size: number;
  sealedUpto: number;
  treeSize: number;
}

const RECEIVED_AT = /[{,]"received_at":"([^"]+)"/;

/**
 * received_at (ms) of an envelope's text. A quote inside a JSON string is escaped, so the
 * member is found at the top level only.
 */
export function receivedAtOf(envelope: string): number {
  const m = RECEIVED_AT.exec(envelope);
  if (!m) throw new Error(`envelope without received_at: ${envelope.slice(0, 80)}`);
  return Date.parse(m[1]!);
}

/**
 * The first seq whose received_at is at or after `time`. received_at never decreases along
 * seq within a shard (one writer, one clock), so a binary search over batches (their first and
 * last received_at), then within one batch, finds it in O(log n) point reads and one decode.
 */
export async function firstSeqAtOrAfter(
  sql: SqlStorage,
  lines: EventLines,
  time: number,
  at: ShardPosition,
): Promise<number> {
  let lo = 0;
  let hi = at.treeSize;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = sql
      .exec<{ received_last: number }>("SELECT received_last FROM batches WHERE n = ?", mid)
      .one();
    if (row.received_last < time) lo = mid + 1;
    else hi = mid;
  }
  if (lo < at.treeSize) {
    const row = sql
      .exec<{ first_seq: number; received_first: number }>(
        "SELECT first_seq, received_first FROM batches WHERE n = ?",
        lo,
      )
      .one();
    if (row.received_first >= time) return row.first_seq;
    const batch = (await lines.batch(lo))!;
    const i = batch.lines.findIndex((l) => receivedAtOf(splitLine(l).envelope) >= time);
    return row.first_seq + (i < 0 ? batch.lines.length : i);
  }
  const slice = sql
    .exec<{ first_seq: number }>(
      "SELECT first_seq FROM slices WHERE first_seq >= ? AND received_at >= ? ORDER BY first_seq LIMIT 1",
      at.sealedUpto,
      time,
    )
    .toArray()[0];
  return slice?.first_seq ?? at.size;
}

/**
 * Up to `limit` matching events from `from` on, examining at most `scanMax` sequence numbers
 * (decision_id queries: at most `scanMax` index entries) so a page costs bounded work however
 * selective the filter. A short page with a non-null `next` means: keep paging.
 *
 * Bodies are read only when the page returns them or the filter looks into them
 * (`decisionType`): then from `full`, which fetches offloaded batches' bodies from R2
 * (ArchiveUnavailableError when it cannot); envelope-only pages never leave SQLite.
 */
export async function queryEvents(
  sql: SqlStorage,
  lines: EventLines,
  full: FullLines,
  filter: EventFilter,
  from: number,
  limit: number,
  scanMax: number,
  at: ShardPosition,
  withBody = false,
): Promise<QueryPage> {
  let start = from;
  let end = at.size;
  if (filter.since !== undefined)
    start = Math.max(start, await firstSeqAtOrAfter(sql, lines, filter.since, at));
  if (filter.until !== undefined) end = Math.min(end, await firstSeqAtOrAfter(sql, lines, filter.until, at));
  if (start >= end) return { items: [], next: from, caughtUp: true };
  const reader = withBody || filter.decisionType !== undefined ? full : lines;
  const items: QueryPage["items"] = [];
  const consider = (seq: number, line: string): boolean => {
    const { envelope, body } = splitLine(line);
    if (filter.tier !== undefined && (JSON.parse(envelope) as { tier: string }).tier !== filter.tier)
      return false;
    if (
      filter.decisionType !== undefined &&
      (body === null || retainedKeys(JSON.parse(body)).decisionType !== filter.decisionType)
    ) {
      return false;
    }
    items.push({ seq, received_at: receivedAtOf(envelope), envelope, ...(withBody ? { body } : {}) });
    return true;
  };
  if (filter.decisionId !== undefined) {
    const seqs = sql
      .exec<{ seq: number }>(
        "SELECT seq FROM event_pairs WHERE d = ? AND seq >= ? AND seq < ? ORDER BY seq LIMIT ?",
        decisionKey(filter.decisionId),
        start,
        end,
        scanMax,
      )
      .toArray()
      .map((r) => r.seq);
    for (const seq of seqs) {
      const line = await reader.line(seq, at.sealedUpto);
      if (line !== null) consider(seq, line);
      if (items.length === limit) return { items, next: seq + 1, caughtUp: false };
    }
    if (seqs.length === scanMax) return { items, next: seqs[seqs.length - 1]! + 1, caughtUp: false };
    return { items, next: end, caughtUp: true };
  }
  const scanEnd = Math.min(end, start + scanMax);
  let stoppedAt = -1;
  await reader.forEach(start, scanEnd, at.sealedUpto, (seq, line) => {
    consider(seq, line);
    if (items.length < limit) return true;
    stoppedAt = seq;
    return false;
  });
  if (stoppedAt >= 0) return { items, next: stoppedAt + 1, caughtUp: false };
  return { items, next: scanEnd, caughtUp: scanEnd >= end };
}
