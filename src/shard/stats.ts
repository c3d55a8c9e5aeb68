import { parsePointer, resolvePointer } from "../core/policy";
import { splitLine } from "./bundle";
import {
  addFacts,
  emptyAggregate,
  EXACT_DIMENSIONS,
  factsOfLine,
  mergeAggregate,
  PRODUCER_COUNTERS,
  type Aggregate,
  type EventFacts,
} from "./facts";
import { batchOf, type EventLines, type SliceRow } from "./lines";
import type { FullLines } from "./full-lines";
import { firstSeqAtOrAfter, type ShardPosition } from "./query";
import { splitLines } from "./bundle";
import { loadStatsKeys, readTotals } from "./stats-totals";
import { OTHER, type StatsKeys } from "./stats-keys";
import type { Envelope } from "../core/protocol";

/** Dimensions known for every event (envelope, or keys read from the retained content): counted exactly. */
export const EXACT_GROUPS = Object.fromEntries(EXACT_DIMENSIONS.map((d) => [d, d])) as {
  [K in (typeof EXACT_DIMENSIONS)[number]]: K;
};
export type ExactGroup = keyof typeof EXACT_GROUPS;

export interface ShardStats {
  /** The sequence range the figures cover. */
  range: { lo: number; hi: number };
  events: number;
  /** Exact groups: count per key. */
  exact?: Array<{ key: string | null; count: number }>;
  /** Events of the exact group counted under "other": their key came once the group held STATS_KEYS_MAX keys. */
  other?: number;
  /** The producers beyond STATS_KEYS_MAX, counted together (the `producer` member is meaningless). */
  otherProducers?: ShardStats["producers"][number];
  /**
   * Horvitz–Thompson sums over events whose body is retained: per key Σw and Σw(w−1), w the
   * event's adjusted count (1 for full, 1/rate for an in-sample sampled event).
   */
  estimated?: Array<{ key: string | number | null; weight: number; variance: number; observed: number }>;
  /** Events whose bodies could be in an estimate (sampled and full tiers) and those that cannot. */
  covered: number;
  uncovered: number;
  /** Retained bodies that are gone (erased, expired). */
  unavailable: number;
  sampling: Array<{ rate: number; events: number; in_sample: number }>;
  producers: Array<{
    producer: string;
    events: number;
    ok: number;
    mismatch: number;
    broken_link: number;
    unverified: number;
    gaps: number;
    missing: number;
    repeats: number;
    regressions: number;
  }>;
}

/**
 * Where stats read from: the shard's storage (envelopes), and lines with their bodies wherever
 * they are (`full`: R2 for offloaded batches; ArchiveUnavailableError when R2 cannot give them,
 * so no figure silently leaves out bodies).
 */
export interface StatsSource {
  sql: SqlStorage;
  lines: EventLines;
  full: FullLines;
  at: ShardPosition;
}

/**
 * The exact aggregate of events [lo, hi): the stored aggregates of the batches wholly inside,
 * the lines of at most two batches cut by the range, and the facts of pending slices. Costs
 * O(batches in range × groups), never a read per event outside the two edge batches.
 */
async function aggregateOf(src: StatsSource, keys: StatsKeys, lo: number, hi: number): Promise<Aggregate> {
  const { sql, full, at } = src;
  const agg = emptyAggregate();
  const stored = emptyAggregate();
  const sealedHi = Math.min(hi, at.sealedUpto);
  if (lo < sealedHi) {
    let wholeFrom = lo;
    let wholeTo = sealedHi;
    const first = batchOf(sql, lo)!;
    if (first.first_seq < lo) {
      wholeFrom = first.first_seq + first.count;
      await addLines(agg, full, first.n, first.first_seq, lo, Math.min(sealedHi, wholeFrom));
    }
    const last = batchOf(sql, sealedHi - 1)!;
    if (last.first_seq + last.count > sealedHi && last.first_seq >= wholeFrom) {
      wholeTo = last.first_seq;
      await addLines(agg, full, last.n, last.first_seq, last.first_seq, sealedHi);
    }
    if (wholeFrom < wholeTo) {
      for (const row of sql.exec<{ stats: string }>(
        "SELECT stats FROM batches WHERE first_seq >= ? AND first_seq < ? ORDER BY first_seq",
        wholeFrom,
        wholeTo,
      )) {
        mergeAggregate(stored, JSON.parse(row.stats) as Aggregate);
      }
    }
  }
  // Sealed events of the edge batches count where their seal put them: no key takes a slot here.
  const sealed = keys.cap(agg, false);
  mergeAggregate(sealed, keys.decode(stored));
  if (hi > at.sealedUpto)
    mergeAggregate(sealed, pendingAggregate(sql, keys, Math.max(lo, at.sealedUpto), hi));
  return sealed;
}

/**
 * Pending events in [from, to), counted as their seal would count them (on a copy of the
 * dictionary, since only a seal gives keys their slots).
 */
function pendingAggregate(sql: SqlStorage, keys: StatsKeys, from: number, to: number): Aggregate {
  const agg = emptyAggregate();
  addPending(agg, sql, from, to);
  return keys.copy().cap(agg, true);
}

/** Facts of sealed events [from, to) of batch `n`, read from their lines with bodies (as the seal counted them). */
async function addLines(
  agg: Aggregate,
  lines: FullLines,
  n: number,
  firstSeq: number,
  from: number,
  to: number,
): Promise<void> {
  const batch = (await lines.batch(n))!;
  for (let seq = from; seq < to; seq++) {
    const { envelope, body } = splitLine(batch.lines[seq - firstSeq]!);
    addFacts(agg, factsOfLine(envelope, body));
  }
}

/** Facts of pending events in [from, to), as recorded with their slices. */
export function addPending(agg: Aggregate, sql: SqlStorage, from: number, to: number): void {
  const slices = sql.exec<SliceRow>(
    "SELECT first_seq, count, received_at, lines, facts FROM slices WHERE first_seq + count > ? AND first_seq < ? ORDER BY first_seq",
    from,
    to,
  );
  for (const s of slices) {
    const facts = JSON.parse(s.facts) as EventFacts[];
    for (let i = 0; i < s.count; i++) {
      const seq = s.first_seq + i;
      if (seq >= from && seq < to) addFacts(agg, facts[i]!);
    }
  }
}

/**
 * Stats over the events received in [since, until) (ms; either may be absent). Exact counts
 * come from aggregates kept when batches seal (and adjusted when bodies are removed): over the
 * whole log a call reads one totals row and the pending slices; over a time range, one stored
 * aggregate per batch in the range and at most two decoded edge batches. `pointer` groups read
 * retained bodies and are estimated.
 */
export async function shardStats(
  src: StatsSource,
  range: { since?: number; until?: number },
  group: { exact: ExactGroup } | { pointer: string } | null,
): Promise<ShardStats> {
  const { sql, lines, at } = src;
  const lo = range.since === undefined ? 0 : await firstSeqAtOrAfter(sql, lines, range.since, at);
  const hi = range.until === undefined ? at.size : await firstSeqAtOrAfter(sql, lines, range.until, at);
  const keys = loadStatsKeys(sql);
  let agg: Aggregate;
  if (lo === 0 && hi === at.size) {
    // The whole log: the running totals plus what is pending — O(groups + pending events).
    agg = keys.decode(readTotals(sql));
    mergeAggregate(agg, pendingAggregate(sql, keys, at.sealedUpto, at.size));
  } else {
    agg = lo < hi ? await aggregateOf(src, keys, lo, hi) : emptyAggregate();
  }
  const otherProducer = agg.producers[OTHER];
  const stats: ShardStats = {
    range: { lo, hi },
    events: agg.events,
    covered: agg.covered,
    uncovered: agg.events - agg.covered,
    unavailable: agg.unavailable,
    sampling: Object.entries(agg.sampling)
      .map(([rate, [events, inSample]]) => ({ rate: Number(rate), events, in_sample: inSample }))
      .sort((a, b) => a.rate - b.rate),
    producers: Object.entries(agg.producers)
      .filter(([key]) => key !== OTHER)
      .map(([key, counts]) => producerCounts(JSON.parse(key) as string, counts))
      .sort((a, b) => (a.producer < b.producer ? -1 : a.producer > b.producer ? 1 : 0)),
  };
  if (otherProducer) stats.otherProducers = producerCounts(OTHER, otherProducer);
  if (group && "exact" in group) {
    const counts = agg.exact[group.exact];
    stats.exact = Object.entries(counts)
      .filter(([key]) => key !== OTHER)
      .map(([key, count]) => ({ key: JSON.parse(key) as string | null, count }))
      .sort((a, b) => b.count - a.count);
    if (counts[OTHER]) stats.other = counts[OTHER];
  } else if (group && lo < hi) {
    await addEstimates(src, stats, group.pointer, lo, hi);
  } else if (group) {
    stats.estimated = [];
  }
  return stats;
}

function producerCounts(producer: string, counts: readonly number[]): ShardStats["producers"][number] {
  const out = { producer } as ShardStats["producers"][number];
  PRODUCER_COUNTERS.forEach((name, i) => (out[name] = counts[i]!));
  return out;
}

/**
 * Horvitz–Thompson sums of a body field over [lo, hi): reads retained bodies batch by batch
 * (from R2 for offloaded batches). Each batch decode is an await, so appends and seals run
 * between batches instead of waiting for the whole scan.
 */
async function addEstimates(
  src: StatsSource,
  stats: ShardStats,
  pointer: string,
  lo: number,
  hi: number,
): Promise<void> {
  const parsed = parsePointer(pointer);
  const groups = new Map<
    string,
    { key: string | number | null; weight: number; variance: number; observed: number }
  >();
  const visit = (line: string) => {
    const { envelope, body } = splitLine(line);
    if (body === null) return;
    const env = JSON.parse(envelope) as Envelope;
    if (env.retained !== "body" || env.tier === "lightweight") return;
    const w = env.sample?.adjusted_count ?? 1;
    const key = sqliteKey(resolvePointer(JSON.parse(body), parsed));
    const g = groups.get(String(key)) ?? { key, weight: 0, variance: 0, observed: 0 };
    g.weight += w;
    g.variance += w * (w - 1);
    g.observed++;
    groups.set(String(key), g);
  };
  const { sql, full, at } = src;
  let seq = lo;
  while (seq < Math.min(hi, at.sealedUpto)) {
    const row = batchOf(sql, seq)!;
    const end = Math.min(hi, row.first_seq + row.count);
    const batch = (await full.batch(row.n))!;
    for (let s = seq; s < end; s++) visit(batch.lines[s - row.first_seq]!);
    seq = end;
  }
  if (seq < hi) {
    for (const s of sql.exec<SliceRow>(
      "SELECT first_seq, count, received_at, lines, facts FROM slices WHERE first_seq + count > ? AND first_seq < ? ORDER BY first_seq",
      seq,
      hi,
    )) {
      splitLines(s.lines).forEach((line, i) => {
        const q = s.first_seq + i;
        if (q >= seq && q < hi) visit(line);
      });
    }
  }
  stats.estimated = [...groups.values()].sort((a, b) => b.weight - a.weight);
}

/** The key SQLite's json_extract gave for `value` (kept so answers do not change shape). */
export function sqliteKey(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return JSON.stringify(value);
}
