import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../api-error";
import { tenantFor } from "../middleware/auth";
import { logRef, shardStub, shardsOf } from "../routing";
import { EXACT_GROUPS, type ExactGroup, type ShardStats } from "../../shard/stats";
import { parseFilter } from "./query";

/** Named groups over body fields (estimated); any other body field: `group_by=pointer:/a/b`. */
const ESTIMATED_ALIASES: Record<string, string> = {
  risk_level: "/decision_quality_indicators/decision_risk_level",
};

const POINTER = /^(\/([^~/]|~[01])*)+$/;

/**
 * `group_by` is client text: only the tables' own members count, so that names every object
 * inherits (`constructor`, `toString`, `__proto__`, …) are refused like any other unknown name.
 */
function parseGroup(raw: string | undefined): { exact: ExactGroup } | { pointer: string } | null {
  if (raw === undefined) return null;
  if (Object.hasOwn(EXACT_GROUPS, raw)) return { exact: raw as ExactGroup };
  if (Object.hasOwn(ESTIMATED_ALIASES, raw)) return { pointer: ESTIMATED_ALIASES[raw]! };
  if (raw.startsWith("pointer:") && POINTER.test(raw.slice(8)) && raw.length <= 264) return { pointer: raw.slice(8) };
  throw new ApiError(
    400,
    "invalid_parameter",
    `'group_by' must be one of: ${[...Object.keys(EXACT_GROUPS), ...Object.keys(ESTIMATED_ALIASES)].join(", ")}, or pointer:<JSON pointer into the event>`,
  );
}

type Sum<K extends string> = Map<string, Record<K, number>>;

function add<K extends string>(map: Sum<K>, key: string, values: Record<K, number>): void {
  const have = map.get(key);
  if (!have) {
    map.set(key, { ...values });
    return;
  }
  for (const k of Object.keys(values) as K[]) have[k] += values[k];
}

/**
 * GET /v1/stats?since=&until=&group_by=: exact counts from envelopes and columns; for facts
 * only in retained bodies, Horvitz–Thompson estimates with their standard errors; the observed
 * sampling rates; chain and sequence checks per producer. Shards are summed.
 */
export async function stats(c: Context<AppEnv>): Promise<Response> {
  const tenant = tenantFor(c.var.principal, "read");
  const filter = parseFilter(c);
  const group = parseGroup(c.req.query("group_by"));
  const range: { since?: number; until?: number } = {};
  if (filter.since !== undefined) range.since = filter.since;
  if (filter.until !== undefined) range.until = filter.until;
  const parts: ShardStats[] = await Promise.all(
    shardsOf(tenant.routing).map((shard) => shardStub(c.env, logRef(c.var.config, tenant.id, shard)).stats(range, group)),
  );
  let events = 0;
  let covered = 0;
  let uncovered = 0;
  let unavailable = 0;
  const exact: Sum<"count"> = new Map();
  const estimated: Sum<"weight" | "variance" | "observed"> = new Map();
  const sampling: Sum<"events" | "in_sample"> = new Map();
  const producers: Sum<"events" | "ok" | "mismatch" | "broken_link" | "unverified" | "gaps" | "missing" | "repeats" | "regressions"> =
    new Map();
  for (const p of parts) {
    events += p.events;
    covered += p.covered;
    uncovered += p.uncovered;
    unavailable += p.unavailable;
    for (const g of p.exact ?? []) add(exact, String(g.key), { count: g.count });
    for (const g of p.estimated ?? []) add(estimated, String(g.key), { weight: g.weight, variance: g.variance, observed: g.observed });
    for (const s of p.sampling) add(sampling, String(s.rate), { events: s.events, in_sample: s.in_sample });
    for (const { producer, ...counts } of p.producers) add(producers, producer, counts);
  }
  const groups =
    group === null
      ? []
      : "exact" in group
        ? [...exact].map(([key, v]) => ({ key, count: v.count, exact: true as const })).sort((a, b) => b.count - a.count)
        : [...estimated]
            .map(([key, v]) => ({
              key,
              estimate: v.weight,
              standard_error: Math.sqrt(v.variance),
              observed: v.observed,
              exact: false as const,
            }))
            .sort((a, b) => b.estimate - a.estimate);
  return c.json({
    since: filter.since === undefined ? null : new Date(filter.since).toISOString(),
    until: filter.until === undefined ? null : new Date(filter.until).toISOString(),
    group_by: c.req.query("group_by") ?? null,
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
  });
}
