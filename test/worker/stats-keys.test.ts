import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { STATS_KEYS_MAX } from "../../src/shard/stats-keys";
import type { LogShard } from "../../src/shard/log-shard";

type StatsAnswer = {
  events: number;
  groups: Array<{ key: string | null; count: number }>;
  producers: Array<{ producer: string; events: number }>;
  capped: null | {
    keys_limit: number;
    other: number;
    other_producers: null | { events: number };
  };
};

async function statsOf(token: string, query: string): Promise<StatsAnswer> {
  const res = await call("GET", `/v1/stats${query}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as StatsAnswer;
}

/** Tables whose rows a stats call reads: the dictionary and totals, never one row per event. */
async function dictionaryText(tenant: string): Promise<string> {
  return runInDurableObject(env.LOG_SHARD.getByName(`${tenant}/0`), (_i, state) =>
    JSON.stringify(state.storage.sql.exec("SELECT k, v FROM stats_totals").toArray()),
  );
}

describe("stats keys: at most STATS_KEYS_MAX per group, the rest under other", () => {
  it(
    "counts the first keys by name and the later ones together, says so, and erases either kind",
    { timeout: 60_000 },
    async () => {
      const t = await newTenant();
      const extra = 7;
      const total = STATS_KEYS_MAX + extra;
      const ids: string[] = [];
      // One distinct output per event, in two requests so two batches hold them.
      for (const [from, to] of [
        [0, 150],
        [150, total],
      ] as const) {
        const events = [];
        for (let i = from; i < to; i++) events.push(makeEvent({ output: `out-${i}` }));
        const { body } = await ingest(t.key, events, "?wait=sealed");
        expect(body.accepted).toBe(to - from);
        ids.push(...body.results.map((r) => r.id!));
      }
      const before = await statsOf(t.key, "?group_by=output");
      expect(before.events).toBe(total);
      expect(before.groups).toHaveLength(STATS_KEYS_MAX);
      expect(before.groups.every((g) => g.count === 1)).toBe(true);
      expect(new Set(before.groups.map((g) => g.key))).toEqual(
        new Set(Array.from({ length: STATS_KEYS_MAX }, (_, i) => `"out-${i}"`)),
      );
      expect(before.capped).toEqual({ keys_limit: STATS_KEYS_MAX, other: extra, other_producers: null });
      // A group under the limit is not capped.
      const byTier = await statsOf(t.key, "?group_by=tier");
      expect(byTier.capped).toBeNull();
      expect(byTier.groups).toEqual([{ key: "full", count: total, exact: true }]);

      // Erase one event counted by name and one counted under other.
      for (const id of [ids[3]!, ids[total - 1]!]) {
        const res = await call("DELETE", `/v1/events/${id}/body`, { token: t.key, json: { reason: "test" } });
        expect(res.status).toBe(200);
      }
      const after = await statsOf(t.key, "?group_by=output");
      expect(after.groups).toHaveLength(STATS_KEYS_MAX);
      expect(after.groups.find((g) => g.key === '"out-3"')).toBeUndefined();
      expect(after.groups.find((g) => g.key === "null")).toEqual({ key: "null", count: 2, exact: true });
      expect(after.capped?.other).toBe(extra - 1);
      // The erased key's text is gone from the dictionary; a key still counted is there.
      const stored = await dictionaryText(t.id);
      expect(stored).not.toContain("out-3\\");
      expect(stored).toContain("out-4\\");

      // A new key meets a full group (the retired slot stays taken): it is counted under other,
      // also while pending.
      await ingest(t.key, [makeEvent({ output: "out-3" }), makeEvent({ output: "fresh" })]);
      const pending = await statsOf(t.key, "?group_by=output");
      expect(pending.capped?.other).toBe(extra - 1 + 2);
      expect(pending.events).toBe(total + 2);
      // A time range from the second batch on reads its stored aggregate and the pending facts.
      const second = (await (await call("GET", `/v1/events/${ids[150]!}`, { token: t.key })).json()) as {
        envelope: { received_at: string };
      };
      const ranged = await statsOf(t.key, `?group_by=output&since=${second.envelope.received_at}`);
      expect(ranged.events).toBe(total - 150 + 2);
      expect(ranged.capped).toEqual(pending.capped);
      expect(ranged.groups.find((g) => g.key === "null")?.count).toBe(1);
      expect(ranged.groups.filter((g) => g.key !== "null")).toHaveLength(STATS_KEYS_MAX - 150);
    },
  );

  it("caps producers the same way: the producers beyond the limit are counted together", async () => {
    const t = await newTenant();
    const total = STATS_KEYS_MAX + 3;
    // One producer per request: the header names it.
    for (let i = 0; i < total; i++) {
      const res = await call("POST", `/v1/events${i === total - 1 ? "?wait=sealed" : ""}`, {
        token: t.key,
        json: [makeEvent()],
        headers: { "x-edgelog-producer": `pod-${i}` },
      });
      expect(res.status).toBe(200);
    }
    const answer = await statsOf(t.key, "");
    expect(answer.events).toBe(total);
    expect(answer.producers).toHaveLength(STATS_KEYS_MAX);
    expect(answer.capped?.other_producers?.events).toBe(3);
    expect(answer.capped?.other).toBe(0);
  });
});

describe("storage layout 2 → 3 migration", () => {
  it("opens a layout 2 database, recounts its stats into the key dictionary and answers the same", async () => {
    const t = await newTenant();
    const events = [];
    for (let i = 0; i < 40; i++) events.push(makeEvent({ output: i % 3 === 0 ? "deny" : "approve" }));
    const { body } = await ingest(t.key, events, "?wait=sealed");
    expect(body.accepted).toBe(40);
    await ingest(t.key, [makeEvent({ output: "pending" })]);
    const erased = await call("DELETE", `/v1/events/${body.results[0]!.id}/body`, {
      token: t.key,
      json: { reason: "test" },
    });
    expect(erased.status).toBe(200);
    const stub = env.LOG_SHARD.getByName(`${t.id}/0`);
    const asked = { exact: "output" } as const;
    const expected = await stub.stats({}, asked);
    // Rewrite the database as layout 2 stored it: one totals row (k = 0) and each batch's stats
    // keyed by the values themselves, producers by name.
    await runInDurableObject(stub, (_i, state) => {
      const sql = state.storage.sql;
      const dict = Object.fromEntries(
        sql
          .exec<{ k: string; v: string }>("SELECT k, v FROM stats_totals WHERE k LIKE 'keys/%'")
          .toArray()
          .map((r) => [r.k.slice(5), JSON.parse(r.v) as Array<string | null>]),
      );
      type Stored = {
        exact: Record<string, Record<string, number>>;
        producers: Record<string, number[]>;
      };
      const toV2 = (text: string): Stored => {
        const a = JSON.parse(text) as Stored;
        const key = (dim: string, slot: string) =>
          slot === "n" ? "null" : (dict[dim]![Number(slot)] as string);
        for (const dim of Object.keys(a.exact))
          a.exact[dim] = Object.fromEntries(Object.entries(a.exact[dim]!).map(([s, n]) => [key(dim, s), n]));
        a.producers = Object.fromEntries(
          Object.entries(a.producers).map(([s, c]) => [JSON.parse(key("producer", s)) as string, c]),
        );
        return a;
      };
      for (const b of sql.exec<{ n: number; stats: string }>("SELECT n, stats FROM batches").toArray())
        sql.exec("UPDATE batches SET stats = ? WHERE n = ?", JSON.stringify(toV2(b.stats)), b.n);
      const totals = toV2(sql.exec<{ v: string }>("SELECT v FROM stats_totals WHERE k = 'counts'").one().v);
      sql.exec("DROP TABLE stats_totals");
      sql.exec("CREATE TABLE stats_totals (k INTEGER PRIMARY KEY CHECK (k = 0), stats TEXT NOT NULL)");
      sql.exec("INSERT INTO stats_totals (k, stats) VALUES (0, ?)", JSON.stringify(totals));
      sql.exec("UPDATE meta SET v = 2 WHERE k = 'layout'");
    });
    await evictDurableObject(stub);
    const migrated = await runInDurableObject(stub, async (instance: LogShard, state) => {
      const sql = state.storage.sql;
      return {
        layout: sql.exec<{ v: number }>("SELECT v FROM meta WHERE k = 'layout'").one().v,
        rows: sql
          .exec<{ k: string }>("SELECT k FROM stats_totals ORDER BY k")
          .toArray()
          .map((r) => r.k),
        stats: await instance.stats({}, asked),
        ranged: await instance.stats({ since: 0 }, asked),
      };
    });
    expect(migrated.layout).toBe(3);
    expect(migrated.rows).toContain("counts");
    expect(migrated.rows).toContain("keys/output");
    expect(migrated.stats).toEqual(expected);
    expect(migrated.ranged.exact).toEqual(expected.exact);
    // And the shard goes on: ingest, seal, stats.
    const more = await ingest(t.key, [makeEvent({ output: "deny" })], "?wait=sealed");
    expect(more.body.accepted).toBe(1);
    const now = await statsOf(t.key, "?group_by=output");
    expect(now.events).toBe(42);
    expect(now.groups.find((g) => g.key === '"deny"')?.count).toBe(
      (expected.exact!.find((g) => g.key === '"deny"')?.count ?? 0) + 1,
    );
  });
});
