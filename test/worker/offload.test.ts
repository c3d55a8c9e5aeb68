// Offloaded bodies (ARCHIVE_KEEP_BATCHES > 0) are read back from R2 by every read: the same log
// answers every query, export, lookup and stats call identically before and after its older
// batches' bodies leave SQLite, and a read that needs a body R2 cannot give answers 503
// `archive_unavailable` naming the batch instead of a body that looks erased.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { prepareAll } from "../support/prepared-events";
import { call, DECLARED_TIERS, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { storedLines } from "../support/shard-storage";
import { batchKey } from "../../src/shard/archive";
import type { LogShard } from "../../src/shard/log-shard";
import type { ShardSettings } from "../../src/shard/types";

/** Batches are sealed by size only (the test seals the tail itself), so their layout is fixed. */
const KEEP_ALL: ShardSettings = {
  batchMax: 8,
  batchMs: 60_000,
  retentionDays: 0,
  maxPending: 10_000,
  archiveKeepBatches: 0,
};
/** With 2, every archived batch but the newest two loses its bodies from SQLite. */
const KEEP_TWO: ShardSettings = { ...KEEP_ALL, archiveKeepBatches: 2 };

const TYPES = ["credit_limit", "fraud_check", "pricing"] as const;

const prepare = (events: unknown[]) => prepareAll(events, "lightweight", "offload-test");

/** Event `i` of the test log: full bodies and lightweight projections, three decision types, pairs of decisions. */
function eventNo(i: number): Record<string, unknown> {
  const e = makeEvent({
    decisionId: `loan-${Math.floor(i / 2)}`,
    sequenceNumber: i % 2,
    tier: i % 3 === 0 ? "lightweight" : "full",
    output: i % 5 === 0 ? "deny" : "approve",
    risk: i % 4 === 0 ? "high" : "low",
  });
  (e.decision_context as Record<string, unknown>).decision_type = TYPES[i % TYPES.length];
  return e;
}

interface Snapshot {
  [what: string]: unknown;
}

async function json(path: string, token: string, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await call("GET", path, { token, headers });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return res.json();
}

/** Every page of a query, following next_cursor, and how many pages it took. */
async function allPages(query: string, token: string): Promise<{ items: unknown[]; pages: number }> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = (await json(`/v1/events?${query}${cursor ? `&cursor=${cursor}` : ""}`, token)) as {
      items: unknown[];
      next_cursor: string | null;
    };
    items.push(...page.items);
    cursor = page.next_cursor;
    pages++;
  } while (cursor !== null);
  return { items, pages };
}

async function ndjsonExport(query: string, token: string): Promise<string> {
  const res = await call("GET", `/v1/events?${query}`, {
    token,
    headers: { accept: "application/x-ndjson" },
  });
  expect(res.status).toBe(200);
  return res.text();
}

async function offloadedBatches(stub: DurableObjectStub<LogShard>): Promise<number> {
  return runInDurableObject(
    stub,
    (_i, state) =>
      state.storage.sql
        .exec<{ n: number }>("SELECT count(*) AS n FROM batches WHERE bodies = 'offloaded'")
        .one().n,
  );
}

function archiveOf(instance: LogShard): { fetches: number; forget(n: number): void } {
  return (instance as unknown as { archived: { fetches: number; forget(n: number): void } }).archived;
}

describe("reads of offloaded bodies", () => {
  it("answer queries, exports, lookups and stats identically before and after offloading, and say when R2 cannot give a body", async () => {
    const t = await newTenant(undefined, { policy: DECLARED_TIERS });
    const log = { tenant: t.id, shard: 0, origin: `edgelog.localhost/${t.id}/0` };
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);

    // 70 events in 14 requests of 5 (each request has its own received_at), sealed in batches
    // of 8 (the last one, of 6, by the alarm), so requests and batches do not line up; nothing
    // offloaded.
    const ids: string[] = [];
    for (let r = 0; r < 14; r++) {
      const sent = Array.from({ length: 5 }, (_, i) => eventNo(r * 5 + i));
      const results = await stub.append(log, KEEP_ALL, await prepare(sent), { waitSealed: false });
      if (!Array.isArray(results)) throw new Error("append refused");
      ids.push(...results.map((x) => x.id));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    // The alarm seals the tail and archives every batch before it returns.
    await runInDurableObject(stub, (instance: LogShard) => instance.alarm());
    const seq = async (id: string) =>
      ((await json(`/v1/events/${id}`, t.key)) as { envelope: { received_at: string } }).envelope;
    // A time range that starts inside batch 1 (seq 10) and ends inside batch 6 (seq 55): stats
    // read the lines of those edge batches.
    const since = encodeURIComponent((await seq(ids[10]!)).received_at);
    const until = encodeURIComponent((await seq(ids[55]!)).received_at);
    expect(await stub.info()).toMatchObject({ size: 9, events: 70, pending: 0 });
    for (let n = 0; n < 9; n++)
      expect(await env.ARCHIVE.head(batchKey(t.id, 0, n)), `batch ${n}`).not.toBeNull();

    const snapshot = async (): Promise<Snapshot> => ({
      all: (await allPages("limit=7", t.key)).items,
      byType: (await allPages("decision_type=fraud_check&limit=3", t.key)).items,
      byTypeTier: (await allPages("decision_type=pricing&tier=full&limit=4", t.key)).items,
      byDecision: (await allPages("decision_id=loan-3", t.key)).items,
      byTime: (await allPages(`since=${since}&until=${until}&limit=9`, t.key)).items,
      export: await ndjsonExport("", t.key),
      exportByType: await ndjsonExport("decision_type=credit_limit", t.key),
      exportByTime: await ndjsonExport(`since=${since}&until=${until}`, t.key),
      events: await Promise.all(ids.map((id) => json(`/v1/events/${id}`, t.key))),
      statsByType: await json(`/v1/stats?group_by=decision_type&since=${since}&until=${until}`, t.key),
      statsByOutput: await json(`/v1/stats?group_by=output`, t.key),
      statsRisk: await json(`/v1/stats?group_by=risk_level&since=${since}`, t.key),
      batch1: await (await call("GET", "/v1/logs/0/batches/1", { token: t.key })).text(),
      range: await (await call("GET", "/v1/logs/0/batches?from=0&to=9", { token: t.key })).text(),
    });

    expect(await offloadedBatches(stub)).toBe(0);
    const before = await snapshot();
    // The snapshot holds bodies and projections (else "identical" would prove little).
    const exported = (before.export as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { envelope: { retained: string }; event: unknown });
    expect(exported).toHaveLength(70);
    expect(exported.every((l) => l.event !== null)).toBe(true);
    expect(new Set(exported.map((l) => l.envelope.retained))).toEqual(new Set(["body", "projection"]));
    expect((before.byType as unknown[]).length).toBe(23);

    // Keep the newest two batches' bodies: the next archiving pass offloads batches 0–6.
    await stub.append(log, KEEP_TWO, [], { waitSealed: false });
    await runInDurableObject(stub, (instance: LogShard) => instance.alarm());
    expect(await offloadedBatches(stub)).toBe(7);
    const inSqlite = await runInDurableObject(stub, async (_i, state) => storedLines(state.storage.sql));
    expect(inSqlite.filter((l) => !l.endsWith(',"event":null}'))).toHaveLength(70 - 56);

    // Paging through offloaded batches fetches each object once, not once per page.
    const fetchesBefore = await runInDurableObject(stub, (i: LogShard) => archiveOf(i).fetches);
    const paged = await allPages("decision_type=fraud_check&limit=2", t.key);
    const fetched = (await runInDurableObject(stub, (i: LogShard) => archiveOf(i).fetches)) - fetchesBefore;
    expect(paged.pages).toBeGreaterThanOrEqual(12);
    expect(fetched).toBe(7);

    const after = await snapshot();
    for (const what of Object.keys(before)) expect(after[what], what).toEqual(before[what]);

    // R2 loses batch 3's object: every read that needs its bodies says so, naming the batch.
    const key = batchKey(t.id, 0, 3);
    const object = new Uint8Array(await (await env.ARCHIVE.get(key))!.arrayBuffer());
    await env.ARCHIVE.delete(key);
    await runInDurableObject(stub, (i: LogShard) => archiveOf(i).forget(3));
    const inBatch3 = ids[3 * 8 + 1]!; // a full body
    const failing: Array<[string, () => Promise<Response>]> = [
      ["query by type", () => call("GET", "/v1/events?decision_type=pricing", { token: t.key })],
      [
        "NDJSON export",
        () => call("GET", "/v1/events", { token: t.key, headers: { accept: "application/x-ndjson" } }),
      ],
      ["event lookup", () => call("GET", `/v1/events/${inBatch3}`, { token: t.key })],
      ["batch export", () => call("GET", "/v1/logs/0/batches/3", { token: t.key })],
      ["range export", () => call("GET", "/v1/logs/0/batches?from=3&to=5", { token: t.key })],
      ["stats estimate", () => call("GET", "/v1/stats?group_by=risk_level", { token: t.key })],
      ["erasure", () => call("DELETE", `/v1/events/${inBatch3}/body`, { token: t.key })],
    ];
    for (const [what, ask] of failing) {
      const res = await ask();
      expect(res.status, what).toBe(503);
      expect(res.headers.get("retry-after"), what).toBe("5");
      const body = (await res.json()) as { error: { code: string; message: string; details: unknown[] } };
      expect(body.error.code, what).toBe("archive_unavailable");
      expect(body.error.message, what).toContain(`batch 3 of log ${log.origin}`);
      expect(body.error.message, what).toContain(`no object ${key}`);
      expect(body.error.message, what).not.toContain("[archive_unavailable");
    }
    // Reads of envelopes only never need R2.
    expect((await allPages("limit=50", t.key)).items).toEqual(before.all);
    expect((await allPages("decision_id=loan-13", t.key)).items).toHaveLength(2);

    // The failure is not remembered: once the object is back, everything answers as before
    // (the erasure refused above changed nothing).
    await env.ARCHIVE.put(key, object, {
      httpMetadata: { contentType: "application/x-ndjson", contentEncoding: "gzip" },
    });
    const restored = await snapshot();
    for (const what of Object.keys(before)) expect(restored[what], what).toEqual(before[what]);
  });

  it("a failure after the first page of an NDJSON export aborts the stream; a failing R2 read answers 503", async () => {
    const t = await newTenant(undefined, { policy: DECLARED_TIERS });
    const log = { tenant: t.id, shard: 0, origin: `edgelog.localhost/${t.id}/0` };
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const settings: ShardSettings = { ...KEEP_ALL, batchMax: 100, archiveKeepBatches: 1 };
    const ids: string[] = [];
    for (let r = 0; r < 5; r++) {
      const sent = Array.from({ length: 250 }, () => makeEvent());
      const results = await stub.append(log, settings, await prepare(sent), { waitSealed: false });
      if (!Array.isArray(results)) throw new Error("append refused");
      ids.push(...results.map((x) => x.id));
    }
    await runInDurableObject(stub, (instance: LogShard) => instance.alarm());
    // 1,250 events in 13 batches of 100 (the last of 50); all but the newest offloaded.
    expect(await offloadedBatches(stub)).toBe(12);

    // R2 fails every read of batch 11's object (seq 1,100–1,199): the export's first page (1,000
    // events) is answered, the second fails.
    const failing = batchKey(t.id, 0, 11);
    await runInDurableObject(stub, (instance: LogShard) => {
      const shard = instance as unknown as { env: Env };
      const real = shard.env.ARCHIVE;
      const bucket = new Proxy(real, {
        get(target, prop) {
          if (prop === "get")
            return async (key: string) => {
              if (key === failing) throw new Error("R2 is down");
              return target.get(key);
            };
          const v = Reflect.get(target, prop) as unknown;
          return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      shard.env = { ...shard.env, ARCHIVE: bucket };
    });
    const res = await call("GET", "/v1/events", {
      token: t.key,
      headers: { accept: "application/x-ndjson" },
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();

    const lookup = await call("GET", `/v1/events/${ids[1150]}`, { token: t.key });
    expect(lookup.status).toBe(503);
    const error = ((await lookup.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("archive_unavailable");
    expect(error.message).toContain(`batch 11 of log ${log.origin}`);
    expect(error.message).toContain(`reading ${failing} failed: R2 is down`);
    // Batch 10 reads fine meanwhile.
    expect((await call("GET", `/v1/events/${ids[1050]}`, { token: t.key })).status).toBe(200);

    await runInDurableObject(stub, (instance: LogShard) => {
      const shard = instance as unknown as { env: Env };
      shard.env = { ...shard.env, ARCHIVE: env.ARCHIVE };
    });
    const whole = (await ndjsonExport("", t.key)).trim().split("\n");
    expect(whole).toHaveLength(1250);
    expect(whole.every((l) => !l.endsWith(',"event":null}'))).toBe(true);
  });

  it("a retention sweep takes offloaded bodies from R2 to uncount them, and waits for R2 when it cannot", async () => {
    const t = await newTenant(undefined, { policy: DECLARED_TIERS });
    const log = { tenant: t.id, shard: 0, origin: `edgelog.localhost/${t.id}/0` };
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const settings: ShardSettings = { ...KEEP_ALL, retentionDays: 1, archiveKeepBatches: 1 };
    const sent = Array.from({ length: 24 }, (_, i) => eventNo(i));
    const results = await stub.append(log, settings, await prepare(sent), { waitSealed: false });
    if (!Array.isArray(results)) throw new Error("append refused");
    await runInDurableObject(stub, (instance: LogShard) => instance.alarm());
    expect(await offloadedBatches(stub)).toBe(2);
    const byType = async () =>
      ((await json("/v1/stats?group_by=decision_type", t.key)) as { groups: Array<{ key: unknown }> }).groups;
    expect((await byType()).map((g) => g.key)).not.toContain("null");

    // Two days later every batch is past retention, but batch 1's object cannot be read: the
    // sweep removes batch 0's bodies and stops there, rather than uncount bodies it cannot see.
    const key = batchKey(t.id, 0, 1);
    const object = new Uint8Array(await (await env.ARCHIVE.get(key))!.arrayBuffer());
    await env.ARCHIVE.delete(key);
    const later = new Date(Date.now() + 2 * 86_400_000);
    const upto = await runInDurableObject(stub, (instance: LogShard) => instance.sweepRetention(later));
    expect(upto).toBe(8);
    expect(((await byType()).find((g) => g.key === "null") as { count?: number } | undefined)?.count).toBe(8);

    await env.ARCHIVE.put(key, object, {
      httpMetadata: { contentType: "application/x-ndjson", contentEncoding: "gzip" },
    });
    expect(await runInDurableObject(stub, (instance: LogShard) => instance.sweepRetention(later))).toBe(24);
    const groups = await byType();
    expect(groups.map((g) => g.key)).toEqual(["null"]);
    const lines = (await ndjsonExport("", t.key)).trim().split("\n");
    expect(lines.every((l) => l.endsWith(',"event":null}'))).toBe(true);
    const archived = await env.ARCHIVE.get(key);
    expect(
      await new Response(archived!.body.pipeThrough(new DecompressionStream("gzip"))).text(),
    ).not.toContain("decision_context");
  });
});
