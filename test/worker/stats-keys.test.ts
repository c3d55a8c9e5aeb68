import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { STATS_KEYS_MAX } from "../../src/shard/stats-keys";

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
