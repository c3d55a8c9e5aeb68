import type { Config } from "./config";
import type { LogRef, ShardSettings } from "../shard/types";

/**
 * The one place that decides which Durable Object holds which log. Every tenant has one shard
 * for now; the shard of an event will be chosen from its decision_id when tenants get more.
 */
export function shardFor(_tenant: string, _decisionId: string): number {
  return 0;
}

/** Shards to search for an event by id (all shards a tenant ever had). */
export function shardsOf(_tenant: string): number[] {
  return [0];
}

export function logRef(config: Config, tenant: string, shard: number): LogRef {
  return { tenant, shard, origin: `${config.logOrigin}/${tenant}/${shard}` };
}

export function shardStub(env: Env, log: LogRef): DurableObjectStub<import("../shard/log-shard").LogShard> {
  return env.LOG_SHARD.getByName(`${log.tenant}/${log.shard}`);
}

export function shardSettings(config: Config): ShardSettings {
  return { batchMax: config.batchMax, batchMs: config.batchMs, retentionDays: config.retentionDays };
}
