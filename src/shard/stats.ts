import { firstSeqAtOrAfter } from "./query";

/** Dimensions known for every event (columns or envelope): counted exactly. */
export const EXACT_GROUPS = {
  tier: "tier",
  decision_type: "decision_type",
  logic_type: "logic_type",
  output: "output",
  chain: "json_extract(envelope, '$.chain')",
  producer: "json_extract(envelope, '$.producer')",
} as const;
export type ExactGroup = keyof typeof EXACT_GROUPS;

export interface ShardStats {
  /** The sequence range the figures cover. */
  range: { lo: number; hi: number };
  events: number;
  /** Exact groups: count per key. */
  exact?: Array<{ key: string | null; count: number }>;
  /**
   * Horvitz–Thompson sums over events whose body is retained: per key Σw and Σw(w−1), w the
   * event's adjusted count (1 for full, 1/rate for an in-sample sampled event).
   */
  estimated?: Array<{ key: string | number | null; weight: number; variance: number; observed: number }>;
  /** Events whose bodies could be in an estimate (sampled and full tiers) and those that cannot. */
  covered: number;
  uncovered: number;
  /** Bodies retained but no longer in SQLite (archived to R2, or removed) are outside estimates. */
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
 * Stats over the events received in [since, until) (ms; either may be absent). Exact counts
 * come from columns and envelopes, so they cover every event; `pointer` groups read retained
 * bodies and are estimated. One pass per figure, all in SQLite.
 */
export function shardStats(
  sql: SqlStorage,
  size: number,
  range: { since?: number; until?: number },
  group: { exact: ExactGroup } | { pointer: string } | null,
): ShardStats {
  const lo = range.since === undefined ? 0 : firstSeqAtOrAfter(sql, range.since, size);
  const hi = range.until === undefined ? size : firstSeqAtOrAfter(sql, range.until, size);
  const where = "seq >= ? AND seq < ?";
  const events = sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE ${where}`, lo, hi).one().n;
  const coverage = sql
    .exec<{ covered: number; unavailable: number }>(
      `SELECT COUNT(*) AS covered,
              SUM(CASE WHEN json_extract(envelope, '$.retained') = 'body' AND body IS NULL THEN 1 ELSE 0 END) AS unavailable
         FROM events WHERE ${where} AND tier IN ('sampled', 'full')`,
      lo,
      hi,
    )
    .one();
  const stats: ShardStats = {
    range: { lo, hi },
    events,
    covered: coverage.covered,
    uncovered: events - coverage.covered,
    unavailable: coverage.unavailable ?? 0,
    sampling: sql
      .exec<{ rate: number; events: number; in_sample: number }>(
        `SELECT json_extract(envelope, '$.sample.rate') AS rate, COUNT(*) AS events,
                COALESCE(SUM(json_extract(envelope, '$.sample.in_sample')), 0) AS in_sample
           FROM events WHERE ${where} AND tier = 'sampled' GROUP BY rate ORDER BY rate`,
        lo,
        hi,
      )
      .toArray()
      .map((r) => ({ ...r })),
    producers: sql
      .exec<ShardStats["producers"][number]>(
        `SELECT json_extract(envelope, '$.producer') AS producer, COUNT(*) AS events,
                COALESCE(SUM(json_extract(envelope, '$.chain') = 'ok'), 0) AS ok,
                COALESCE(SUM(json_extract(envelope, '$.chain') = 'mismatch'), 0) AS mismatch,
                COALESCE(SUM(json_extract(envelope, '$.chain') = 'broken-link'), 0) AS broken_link,
                COALESCE(SUM(json_extract(envelope, '$.chain') = 'unverified'), 0) AS unverified,
                COALESCE(SUM(json_extract(envelope, '$.sequence') = 'gap'), 0) AS gaps,
                COALESCE(SUM(json_extract(envelope, '$.missing')), 0) AS missing,
                COALESCE(SUM(json_extract(envelope, '$.sequence') = 'repeat'), 0) AS repeats,
                COALESCE(SUM(json_extract(envelope, '$.sequence') = 'regress'), 0) AS regressions
           FROM events WHERE ${where} GROUP BY producer ORDER BY producer`,
        lo,
        hi,
      )
      .toArray()
      .map((r) => ({ ...r })),
  };
  if (group && "exact" in group) {
    stats.exact = sql
      .exec<{ key: string | null; count: number }>(
        `SELECT ${EXACT_GROUPS[group.exact]} AS key, COUNT(*) AS count FROM events WHERE ${where} GROUP BY key ORDER BY count DESC`,
        lo,
        hi,
      )
      .toArray()
      .map((r) => ({ ...r }));
  } else if (group) {
    // w = 1 for full, 1/rate for an in-sample sampled event; HT variance term w(w−1).
    stats.estimated = sql
      .exec<{ key: string | number | null; weight: number; variance: number; observed: number }>(
        `SELECT k AS key, SUM(w) AS weight, SUM(w * (w - 1)) AS variance, COUNT(*) AS observed FROM (
           SELECT json_extract(body, ?) AS k, COALESCE(json_extract(envelope, '$.sample.adjusted_count'), 1) AS w
             FROM events WHERE ${where} AND json_extract(envelope, '$.retained') = 'body' AND body IS NOT NULL
               AND tier IN ('sampled', 'full'))
         GROUP BY k ORDER BY weight DESC`,
        sqlitePath(group.pointer),
        lo,
        hi,
      )
      .toArray()
      .map((r) => ({ ...r }));
  }
  return stats;
}

/**
 * SQLite JSON path of an RFC 6901 pointer: `/a/b~1c/0` → `$."a"."b/c"[0]`... member names are
 * always quoted; array indexes are written as quoted members too, which SQLite reads as keys, so
 * pointers into arrays are refused by the caller.
 */
export function sqlitePath(pointer: string): string {
  const tokens = pointer.split("/").slice(1).map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  return "$" + tokens.map((t) => `."${t.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join("");
}

/** The key SQLite's json_extract would give for `value`, so keys from R2 and SQLite merge. */
export function sqliteKey(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return JSON.stringify(value);
}
