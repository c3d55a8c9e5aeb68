/**
 * Sums the per-shard figures of `GET /v1/stats` into the tenant's answer. Counts add up; an
 * estimate's Horvitz–Thompson weights and variances add up too (the shards' samples are
 * independent), so the standard error is the square root of the summed variance.
 */
import type { ExactGroup, ShardStats } from "../shard/stats";
import { STATS_KEYS_MAX } from "../shard/stats-keys";

type Sum<K extends string> = Map<string, Record<K, number>>;

function add<K extends string>(map: Sum<K>, key: string, values: Record<K, number>): void {
  const have = map.get(key);
  if (!have) {
    map.set(key, { ...values });
    return;
  }
  for (const k of Object.keys(values) as K[]) have[k] += values[k];
}

type ProducerCounts = Omit<ShardStats["producers"][number], "producer">;

export type StatsGroup =
  | { key: string; count: number; exact: true }
  | { key: string; estimate: number; standard_error: number; observed: number; exact: false };

/** The summed figures, in the members and order of the `Stats` answer. */
export interface StatsSum {
  events: number;
  groups: StatsGroup[];
  coverage: { estimable: number; lightweight: number; bodies_not_in_sqlite: number };
  sampling: Array<{ rate: number; events: number; in_sample: number; observed_rate: number | null }>;
  producers: Array<{ producer: string } & ProducerCounts>;
  /**
   * Null unless a shard's key limit was reached for what this answer shows: each shard counts at
   * most `keys_limit` keys per group by name (README: Limits); `other` is the events of the
   * requested exact group counted together beyond it, `other_producers` the producers beyond it.
   */
  capped: { keys_limit: number; other: number; other_producers: ProducerCounts | null } | null;
}

/**
 * Sums `parts` (one per shard). `group` is what every shard was asked to group by: groups
 * are the exact counts or the estimates accordingly, largest first; none when null.
 */
export function sumShardStats(
  parts: readonly ShardStats[],
  group: { exact: ExactGroup } | { pointer: string } | null,
): StatsSum {
  let events = 0;
  let covered = 0;
  let uncovered = 0;
  let unavailable = 0;
  const exact: Sum<"count"> = new Map();
  const estimated: Sum<"weight" | "variance" | "observed"> = new Map();
  const sampling: Sum<"events" | "in_sample"> = new Map();
  const producers: Sum<keyof ProducerCounts> = new Map();
  let other = 0;
  let otherProducers: ProducerCounts | null = null;
  for (const p of parts) {
    if (group !== null && "exact" in group) other += p.other ?? 0;
    if (p.otherProducers) {
      const { producer: _, ...counts } = p.otherProducers;
      if (otherProducers === null) otherProducers = { ...counts };
      else for (const k of Object.keys(counts) as Array<keyof ProducerCounts>) otherProducers[k] += counts[k];
    }
    events += p.events;
    covered += p.covered;
    uncovered += p.uncovered;
    unavailable += p.unavailable;
    for (const g of p.exact ?? []) add(exact, String(g.key), { count: g.count });
    for (const g of p.estimated ?? [])
      add(estimated, String(g.key), { weight: g.weight, variance: g.variance, observed: g.observed });
    for (const s of p.sampling) add(sampling, String(s.rate), { events: s.events, in_sample: s.in_sample });
    for (const { producer, ...counts } of p.producers) add(producers, producer, counts);
  }
  const groups: StatsGroup[] =
    group === null
      ? []
      : "exact" in group
        ? [...exact]
            .map(([key, v]) => ({ key, count: v.count, exact: true as const }))
            .sort((a, b) => b.count - a.count)
        : [...estimated]
            .map(([key, v]) => ({
              key,
              estimate: v.weight,
              standard_error: Math.sqrt(v.variance),
              observed: v.observed,
              exact: false as const,
            }))
            .sort((a, b) => b.estimate - a.estimate);
  return {
    events,
    groups,
    coverage: { estimable: covered, lightweight: uncovered, bodies_not_in_sqlite: unavailable },
    sampling: [...sampling].map(([rate, v]) => ({
      rate: Number(rate),
      events: v.events,
      in_sample: v.in_sample,
      observed_rate: v.events === 0 ? null : v.in_sample / v.events,
    })),
    producers: [...producers].map(([producer, v]) => ({ producer, ...v })),
    capped:
      other > 0 || otherProducers !== null
        ? { keys_limit: STATS_KEYS_MAX, other, other_producers: otherProducers }
        : null,
  };
}
