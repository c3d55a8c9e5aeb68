import type { Config } from "./config";
import type { RoutingVersion } from "../registry/registry";
import type { LogRef, ShardSettings } from "../shard/types";
import { originBase, type Jurisdiction } from "../core/protocol";
import { namespaces, type NamespaceSelector } from "./jurisdiction-namespace";

/**
 * The one place that decides which Durable Object holds which log.
 *
 * A tenant's events are spread over `shards` independent logs, chosen from the decision_id so
 * every event of one decision lands in the same log. Changing the shard count starts a new
 * routing generation: new events follow it, while lookups and audits search every shard any
 * generation used, so no earlier event is orphaned.
 */

/** FNV-1a over UTF-16 code units: cheap, stable everywhere, and well spread for ids. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function shardOf(decisionId: string, shards: number): number {
  return shards <= 1 ? 0 : fnv1a(decisionId) % shards;
}

export function currentShards(routing: readonly RoutingVersion[]): number {
  return routing[routing.length - 1]?.shards ?? 1;
}

/** Every shard any routing generation has used: where events may be. */
export function shardsOf(routing: readonly RoutingVersion[]): number[] {
  const max = routing.reduce((m, r) => Math.max(m, r.shards), 1);
  return Array.from({ length: max }, (_, i) => i);
}

/** Shards that earlier generations routed `decisionId` to, other than today's `current`. */
export function earlierShardsOf(
  decisionId: string,
  routing: readonly RoutingVersion[],
  current: number,
): number[] {
  const out = new Set<number>();
  for (const r of routing.slice(0, -1)) {
    const s = shardOf(decisionId, r.shards);
    if (s !== current) out.add(s);
  }
  return [...out];
}

/** A tenant as addressing its logs needs it: its id and its jurisdiction (null: unrestricted). */
export interface TenantRef {
  id: string;
  jurisdiction: Jurisdiction | null;
}

/**
 * Log `shard` of `tenant`, with its origin `<LOG_ORIGIN>/<tenant>/<shard>`, or
 * `<jurisdiction>.<LOG_ORIGIN>/<tenant>/<shard>` for a tenant bound to a jurisdiction.
 */
export function logRef(config: Config, tenant: TenantRef, shard: number): LogRef {
  const origin = `${originBase(config.logOrigin, tenant.jurisdiction)}/${tenant.id}/${shard}`;
  return tenant.jurisdiction === null
    ? { tenant: tenant.id, shard, origin }
    : { tenant: tenant.id, shard, origin, jurisdiction: tenant.jurisdiction };
}

/**
 * The log's Durable Object, addressed through its jurisdiction's namespace
 * (jurisdiction-namespace.ts; `selector` is the isolate's own unless a test passes one).
 */
export function shardStub(
  env: Env,
  log: LogRef,
  selector: NamespaceSelector = namespaces,
): DurableObjectStub<import("../shard/log-shard").LogShard> {
  return selector.select(env.LOG_SHARD, log.jurisdiction ?? null).getByName(`${log.tenant}/${log.shard}`);
}

export function shardSettings(config: Config): ShardSettings {
  return {
    batchMax: config.batchMax,
    batchMs: config.batchMs,
    retentionDays: config.retentionDays,
    maxPending: config.maxPendingEvents,
    archiveKeepBatches: config.archiveKeepBatches,
  };
}
