import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError, notFound } from "../api-error";
import { requireTenantAdmin, tenantFor, type TenantScope } from "../middleware/auth";
import type { Config } from "../config";
import { readBody } from "../body/read-body";
import { bodyFormat, parseEvents } from "../body/parse-events";
import { prepareItem, type PrepareContext, type Prepared } from "../ingest/prepare";
import { maskSaltOf, policyOf, producerOf } from "../ingest/tenant-context";
import {
  currentShards,
  earlierShardsOf,
  logRef,
  shardOf,
  shardSettings,
  shardStub,
  shardsOf,
} from "../routing";
import type { AppendResult, Overloaded, PreparedEvent } from "../../shard/types";
import {
  ingestStatus,
  isEventId,
  MAX_ERASURE_REASON_CHARS,
  tally,
  type ItemResult,
} from "../../core/protocol";
import { shardFailure } from "../shard-errors";
import { listEvents } from "./query";

export const events = new Hono<AppEnv>();

events.get("/", listEvents);

events.post("/", async (c) => {
  const tenant = tenantFor(c.var.principal, "ingest");
  const config = c.var.config;
  const wait = c.req.query("wait");
  if (wait !== undefined && wait !== "sealed") {
    throw new ApiError(400, "invalid_parameter", `unknown value '${wait}' for 'wait' (supported: sealed)`);
  }
  const format = bodyFormat(c.req.header("content-type"));
  const bytes = await readBody(c.req.raw, config);
  const items = parseEvents(bytes, format, config);
  const ctx: PrepareContext = {
    maxEventBytes: config.maxEventBytes,
    policy: policyOf(tenant),
    maskSalt: await maskSaltOf(c.env, tenant.id),
    producer: producerOf(c.req.header("x-edgelog-producer"), tenant),
    maxFutureSkewMs: config.maxFutureSkewMs,
    now: Date.now(),
  };
  const prepared = await Promise.all(items.map((item) => prepareItem(item, ctx)));

  const results = await appendPrepared(c.env, config, tenant, prepared, wait === "sealed");
  const totals = tally(results);
  return c.json({ ...totals, results }, ingestStatus(totals));
});

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
        const log = logRef(config, tenant.id, shard);
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
      const log = logRef(config, tenant.id, shard);
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

events.get("/:id", async (c) => {
  const tenant = tenantFor(c.var.principal, "read");
  const id = c.req.param("id").toLowerCase();
  if (!isEventId(id)) {
    throw new ApiError(
      400,
      "invalid_id",
      "event ids are 64 lowercase hex digits (SHA-256 of the canonical event)",
    );
  }
  const records = await Promise.all(
    shardsOf(tenant.routing).map((shard) =>
      shardStub(c.env, logRef(c.var.config, tenant.id, shard)).getEvent(id),
    ),
  );
  for (const record of records) {
    if (!record) continue;
    // The envelope and the body are answered as stored (RFC 8785 text): a reader can hash
    // exactly the bytes it receives.
    const text =
      `{"envelope":${record.envelopeText},"event":${record.body ?? "null"}` +
      (record.erased ? `,"erased":${JSON.stringify(record.erased)}` : "") +
      `,"status":"${record.proof ? "sealed" : "pending"}","proof":${JSON.stringify(record.proof)}}`;
    return c.body(text, 200, { "content-type": "application/json" });
  }
  throw notFound(`event ${id}`);
});

/** DELETE /v1/events/{id}/body {"reason"?}: erasure that keeps the envelope and every proof. */
events.delete("/:id/body", async (c) => {
  const principal = c.var.principal;
  if (principal.kind !== "key")
    throw new ApiError(403, "forbidden", "erasing a body needs a tenant key with the 'admin' scope");
  requireTenantAdmin(principal, principal.tenant);
  const tenant = principal.tenant;
  const routing = principal.routing;
  const id = c.req.param("id").toLowerCase();
  if (!isEventId(id)) {
    throw new ApiError(
      400,
      "invalid_id",
      "event ids are 64 lowercase hex digits (SHA-256 of the canonical event)",
    );
  }
  let reason = "erasure request";
  const text = await c.req.text();
  if (text.trim().length > 0) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ApiError(400, "invalid_json", `request body is not valid JSON: ${(err as Error).message}`);
    }
    const r = (body as { reason?: unknown } | null)?.reason;
    if (r !== undefined && (typeof r !== "string" || r.length === 0 || r.length > MAX_ERASURE_REASON_CHARS)) {
      throw new ApiError(
        422,
        "invalid_reason",
        `'reason' must be a non-empty string of at most ${MAX_ERASURE_REASON_CHARS} characters`,
        [
          {
            path: "/reason",
            message: `must be a non-empty string of at most ${MAX_ERASURE_REASON_CHARS} characters`,
          },
        ],
      );
    }
    if (typeof r === "string") reason = r;
  }
  for (const shard of shardsOf(routing)) {
    const log = logRef(c.var.config, tenant, shard);
    const result = await shardStub(c.env, log).eraseEventBody(id, reason);
    if (!result.found) continue;
    if (!result.erased) throw new ApiError(409, "no_body", `event ${id} has no retained body to erase`);
    return c.json({ id, erased: result.erased });
  }
  throw notFound(`event ${id}`);
});

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
