import type { Config } from "./config";
import type { RoutingVersion } from "../registry/registry";
import type { LogRef } from "../shard/types";
import { logRef, shardStub, shardsOf, type TenantRef } from "./routing";

export type ShardStub = ReturnType<typeof shardStub>;

/** A tenant as the fan-out needs it: its id, jurisdiction and every routing generation. */
export interface RoutedTenant extends TenantRef {
  routing: readonly RoutingVersion[];
}

/**
 * Asks every shard any routing generation of `tenant` used (or only `shards`), in parallel,
 * and returns the answers in shard order. Reads must ask them all: an event lives in the shard
 * of the generation it was routed under (docs/ARCHITECTURE.md, "Parts").
 */
export function fanOut<T>(
  env: Env,
  config: Config,
  tenant: RoutedTenant,
  ask: (stub: ShardStub, log: LogRef) => Promise<T>,
  shards: readonly number[] = shardsOf(tenant.routing),
): Promise<T[]> {
  return Promise.all(
    shards.map((shard) => {
      const log = logRef(config, tenant, shard);
      return ask(shardStub(env, log), log);
    }),
  );
}
