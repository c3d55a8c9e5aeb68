import { env, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, ingest, newTenant } from "../support/api";
import { makeEvent } from "../support/events";
import { storedLines } from "../support/shard-storage";
import { fromHex } from "../../src/core/bytes";
import type { LogShard } from "../../src/shard/log-shard";

/**
 * A database of the previous storage layout is migrated when its LogShard starts (migrate.ts):
 * the test writes one as layout 2 stored it, from a shard of today's layout, then reopens it.
 */
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
    await runInDurableObject(stub, async (_i, state) => {
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
      // The id index held the whole 32-byte id and the tier.
      const lines = await storedLines(sql);
      sql.exec("DROP TABLE event_ids");
      sql.exec(
        "CREATE TABLE event_ids (id BLOB PRIMARY KEY, seq INTEGER NOT NULL, tier INTEGER NOT NULL) WITHOUT ROWID",
      );
      for (const [seq, line] of lines.entries()) {
        const envelope = JSON.parse(line).envelope as { id: string; tier: string };
        sql.exec(
          "INSERT INTO event_ids (id, seq, tier) VALUES (?, ?, ?)",
          fromHex(envelope.id),
          seq,
          ["lightweight", "sampled", "full"].indexOf(envelope.tier),
        );
      }
      // The decision index held the decision id's text.
      const pairs = sql
        .exec<{ sequence_number: number; seq: number }>("SELECT sequence_number, seq FROM event_pairs")
        .toArray();
      expect(pairs).toHaveLength(40); // the erased event's row went with its body
      sql.exec("DROP TABLE event_pairs");
      sql.exec(
        "CREATE TABLE event_pairs (decision_id TEXT NOT NULL, sequence_number INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (decision_id, sequence_number, seq)) WITHOUT ROWID",
      );
      for (const p of pairs) {
        const event = JSON.parse(lines[p.seq]!).event as { decision_context: { decision_id: string } };
        sql.exec(
          "INSERT INTO event_pairs (decision_id, sequence_number, seq) VALUES (?, ?, ?)",
          event.decision_context.decision_id,
          p.sequence_number,
          p.seq,
        );
      }
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
        keys: sql
          .exec<{ k: number; seq: number }>("SELECT k, seq FROM event_ids ORDER BY seq")
          .toArray()
          .map((r) => r.k),
      };
    });
    expect(migrated.layout).toBe(3);
    expect(migrated.rows).toContain("counts");
    expect(migrated.rows).toContain("keys/output");
    expect(migrated.stats).toEqual(expected);
    expect(migrated.ranged.exact).toEqual(expected.exact);
    const ids = body.results.map((r) => r.id!);
    expect(migrated.keys.slice(0, 40)).toEqual(ids.map((id) => parseInt(id.slice(0, 12), 16)));
    // Ids are found through the new index: lookups and duplicates.
    const looked = await call("GET", `/v1/events/${ids[7]}`, { token: t.key });
    expect(((await looked.json()) as { envelope: { seq: number } }).envelope.seq).toBe(7);
    const resent = await ingest(t.key, [events[5]]);
    expect(resent.body.accepted).toBe(0);
    expect(resent.body.results[0]).toMatchObject({ status: "duplicate", seq: 5 });
    // Decision ids are found through the new index: queries and conflicts.
    const decisionOf = (e: unknown) => (e as { decision_context: { decision_id: string } }).decision_context;
    const byDecision = await call(
      "GET",
      `/v1/events?decision_id=${encodeURIComponent(decisionOf(events[9]).decision_id)}`,
      { token: t.key },
    );
    const found = (await byDecision.json()) as { items: Array<{ envelope: { seq: number } }> };
    expect(found.items.map((i) => i.envelope.seq)).toEqual([9]);
    const reuse = makeEvent({ decisionId: decisionOf(events[9]).decision_id, output: "other content" });
    const conflict = await ingest(t.key, [reuse]);
    expect(conflict.body.results[0]).toMatchObject({ status: "accepted", conflict: true });
    // And the shard goes on: ingest, seal, stats.
    const more = await ingest(t.key, [makeEvent({ output: "deny" })], "?wait=sealed");
    expect(more.body.accepted).toBe(1);
    const now = (await (await call("GET", "/v1/stats?group_by=output", { token: t.key })).json()) as {
      events: number;
      groups: Array<{ key: string | null; count: number }>;
    };
    expect(now.events).toBe(43);
    expect(now.groups.find((g) => g.key === '"deny"')?.count).toBe(
      (expected.exact!.find((g) => g.key === '"deny"')?.count ?? 0) + 1,
    );
  });
});
