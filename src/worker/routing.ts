import type { Config } from "./config";
import type { RoutingVersion } from "../registry/registry";
import type { LogRef, ShardSettings } from "../shard/types";

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

export function logRef(config: Config, tenant: string, shard: number): LogRef {
  return { tenant, shard, origin: `${config.logOrigin}/${tenant}/${shard}` };
}

export function shardStub(env: Env, log: LogRef): DurableObjectStub<import("../shard/log-shard").LogShard> {
  return env.LOG_SHARD.getByName(`${log.tenant}/${log.shard}`);
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
