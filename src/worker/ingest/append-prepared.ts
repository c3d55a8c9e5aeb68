import { ApiError } from "../api-error";
import type { TenantScope } from "../middleware/auth";
import type { Config } from "../config";
import type { Prepared } from "./prepare";
import { currentShards, earlierShardsOf, logRef, shardOf, shardSettings, shardStub } from "../routing";
import type { AppendResult, Overloaded, PreparedEvent } from "../../shard/types";
import type { ItemResult } from "../../core/protocol";
import { shardFailure } from "../shard-errors";

/**
 * Stores prepared items in the tenant's shards and answers one result per item (in `index`
 * order; a rejected item keeps its errors). Throws ApiError 429 when a log is behind on sealing
 * and 503 when one is unreachable, after which retrying the whole request is safe.
 * Precondition: the items' `index` values are 0 … prepared.length − 1.
 */
export async function appendPrepared(
  env: Env,
  config: Config,
  tenant: TenantScope,
  prepared: readonly Prepared[],
  waitSealed: boolean,
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(prepared.length);
  const shards = currentShards(tenant.routing);
  const byShard = new Map<number, PreparedEvent[]>();
  const earlier = new Map<number, PreparedEvent[]>();
  for (const p of prepared) {
    if (!p.ok) {
      results[p.index] = {
        index: p.index,
        status: "rejected",
        id: null,
        log: null,
        seq: null,
        tier: null,
        errors: p.errors,
      };
      continue;
    }
    const shard = shardOf(p.routeKey, shards);
    push(byShard, shard, p.event);
    if (tenant.routing.length > 1) {
      for (const old of earlierShardsOf(p.routeKey, tenant.routing, shard)) push(earlier, old, p.event);
    }
  }
  // After a reshard, an event accepted under an earlier generation lives in another shard: a
  // resend must still be answered as a duplicate there, not stored a second time.
  if (earlier.size > 0) {
    const found = await Promise.all(
      [...earlier].map(async ([shard, list]) => {
        const log = logRef(config, tenant, shard);
        const hits = await shardStub(env, log).findEvents(list.map((e) => e.id));
        return { log, hits };
      }),
    );
    const known = new Map<string, ItemResult>();
    for (const { log, hits } of found) {
      for (const h of hits)
        known.set(h.id, {
          index: -1,
          status: "duplicate",
          id: h.id,
          log: log.origin,
          seq: h.seq,
          tier: h.tier,
          errors: [],
        });
    }
    for (const [shard, list] of byShard) {
      const remaining = list.filter((e) => {
        const hit = known.get(e.id);
        if (hit) results[e.index] = { ...hit, index: e.index };
        return !hit;
      });
      if (remaining.length > 0) byShard.set(shard, remaining);
      else byShard.delete(shard);
    }
  }
  const settings = shardSettings(config);
  const appended = await Promise.all(
    [...byShard].map(async ([shard, list]) => {
      const log = logRef(config, tenant, shard);
      try {
        return await shardStub(env, log).append(log, settings, list, { waitSealed });
      } catch (err) {
        throw shardFailure(err, log.origin);
      }
    }),
  );
  let refusal: Overloaded | null = null;
  for (const list of appended) {
    if ("overloaded" in list) {
      refusal = list;
      continue;
    }
    for (const r of list as AppendResult[]) results[r.index] = { ...r, errors: [] };
  }
  if (refusal) {
    // Events sent to other shards in this request may be stored: a retry of the whole request
    // is safe, because they come back as duplicates.
    throw new ApiError(
      429,
      "shard_backlogged",
      `a log of this tenant has ${refusal.pending} events waiting to be sealed; retry after the Retry-After delay`,
      [],
      { "retry-after": String(Math.ceil(refusal.retryAfterMs / 1000)) },
    );
  }
  return results;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
